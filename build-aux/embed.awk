# embed.awk: turns a text file into a C string constant named `name`,
# so schemas/store.sql is compiled into the binary. Usage: awk -v name=X
BEGIN { printf "/* generated from schemas/store.sql; do not edit */\n" }
BEGIN { printf "extern const char %s[];\nconst char %s[] =\n", name, name }
{
    gsub(/\\/, "\\\\"); gsub(/"/, "\\\"")
    printf "    \"%s\\n\"\n", $0
}
END { printf "    \"\";\n" }
