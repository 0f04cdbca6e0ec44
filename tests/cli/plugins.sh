#!/bin/sh
# tests/cli/plugins.sh: plugin loading through the ABI: an incompatible ABI
# refused naming both versions, an older smaller descriptor accepted,
# symlinks and unknown names refused, `plugins list`.
. "$top_srcdir/tests/cli/lib.sh"

: "${TEST_PLUGIN_DIR:?}"
P="$T/plugins"
mkdir -p "$P"
cp "$TEST_PLUGIN_DIR/badabi.so" "$TEST_PLUGIN_DIR/oldabi.so" "$P/"
cp "$SPANPORT_PLUGIN_PATH/csv.so" "$P/"
ln -s "$P/csv.so" "$P/linked.so"
export SPANPORT_PLUGIN_PATH="$P"

sp import "$top_srcdir/data/sample.ndjson" 2>/dev/null

expect_exit 5 "a plugin of another ABI is refused" \
    sp export --all --wait --format badabi -o "$T/x"
expect_grep "badabi.so: built for plugin ABI 2, this spanport loads ABI 1; rebuild it against spanport-plugin.h" \
    "$T/stderr" "the refusal names both ABI versions"
[ ! -e "$T/x" ] || fail "no output file after a refused plugin"

expect_exit 0 "an older, smaller descriptor of the same ABI loads" \
    sp export --all --wait --format oldabi -o "$T/old.txt"
expect_eq 13 "$(wc -l <"$T/old.txt")" "the old plugin wrote one line per row"

expect_exit 5 "a symlinked plugin is not loaded" \
    sp export --all --wait --format linked -o "$T/y"
expect_grep "linked.so: a symbolic link; plugins load only from regular files" \
    "$T/stderr" "symlink refusal says why"
mkdir "$P/dir.so"
echo "not an ELF file" >"$P/text.so"
expect_exit 5 "a directory named like a plugin" \
    sp export --all --wait --format dir -o "$T/y"
expect_grep "dir.so: a directory, not a plugin" "$T/stderr" \
    "a directory is called a directory"
expect_exit 5 "a text file named like a plugin" \
    sp export --all --wait --format text -o "$T/y"
expect_grep "not a shared object built for this machine" "$T/stderr" \
    "a file that is no shared object is called so, with no ldd hint"
rm -r "$P/dir.so" "$P/text.so"

expect_exit 5 "an unknown plugin" sp export --all --wait --format nosuch -o "$T/z"
expect_grep 'no output plugin "nosuch" in the plugin path' "$T/stderr" \
    "unknown plugin named with the path searched"
expect_exit 2 "a plugin name with a slash is a usage error" \
    sp export --all --wait --format ../csv -o "$T/z"

expect_exit 2 "an unknown csv option is a usage error" \
    sp export --all --option nosuch=1 -o "$T/z"
expect_grep 'unknown option "nosuch" (known: bom, crlf, formula-guard)' \
    "$T/stderr" "the csv plugin names its options"

expect_exit 0 "plugins list" sp plugins list
expect_grep "^csv *output" "$T/stdout" "csv is listed as an output plugin"
expect_grep "^refused .*badabi.so: built for plugin ABI 2" "$T/stdout" \
    "plugins list says why badabi was refused"
expect_exit 0 "plugins list --json" sp --json plugins list
expect_grep '"name":"oldabi","kind":"output"' "$T/stdout" "json listing"
if grep -q "no output or notifier plugin found" "$T/stdout"; then
    fail "plugins list said none was found beside csv"
fi
ok "no 'none found' line when plugins are found"

# No plugin anywhere on the path: say so, and how to point at some.
mkdir "$T/none"
expect_exit 0 "plugins list with no plugin found" \
    env SPANPORT_PLUGIN_PATH="$T/none" "$SPANPORT" plugins list
expect_grep "^no output or notifier plugin found: set SPANPORT_PLUGIN_PATH to the directory" \
    "$T/stdout" "plugins list says none was found and what to set"
expect_exit 5 "export --format csv with no plugin found" \
    env SPANPORT_PLUGIN_PATH="$T/none" "$SPANPORT" export --all --format csv
expect_grep 'no output plugin "csv" in the plugin path '"$T/none"':.*SPANPORT_PLUGIN_PATH=DIR adds a directory' \
    "$T/stderr" "the export names the plugin, the path and what to set"
done_testing
