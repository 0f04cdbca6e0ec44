#!/usr/bin/env python3
"""measure.py: runs one command and reports its wall time, CPU time and
peak resident set size, for the benchmarks (tests/bench/run.sh).

Usage: measure.py [--result FILE] [--] CMD [ARG...]

The command inherits standard input, output and error, so shell
redirections around measure.py apply to it. When it has finished, one line

    wall_s=1.234 user_s=1.000 sys_s=0.100 maxrss_kb=12345 rc=0

is appended to FILE (default: standard error), and measure.py exits with
the command's exit status (128+N if it died of signal N).

Peak RSS is the kernel's ru_maxrss (kilobytes on Linux) of the command and
the descendants it waited for. A process forked from Python keeps the
high-water mark of the Python image it was copied from across exec, so a
plain subprocess would never report less than this interpreter's ~14 MB.
Hence, on Linux, the command is started by /bin/sh as a grandchild: /bin/sh
(forked from here) starts it in the background and exits; this process,
a child subreaper (prctl through ctypes), inherits it and reaps it with
os.wait4, whose rusage covers the command alone, from a /bin/sh image of
a megabyte or two. Elsewhere, or if prctl is refused, it falls back to
resource.getrusage(RUSAGE_CHILDREN) after a plain subprocess, with that
floor. Python 3 standard library only.
"""
import ctypes
import os
import resource
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36

# The launcher (/bin/sh, forked from here) starts the command in a
# background subshell and exits; fd P tells its pid. The subshell first
# waits for end of file on fd R, which comes only when the launcher and
# this process have closed fd W, so the launcher can never reap a quick
# command itself: the command is always left to this process (the
# subreaper). Its standard input is the original one (a background list
# gets /dev/null). R, W and P are single digits not open here, so none of
# the descriptors the command inherits is disturbed.
LAUNCH = (
    'exec 3<&0\n'
    '{ exec W>&- P>&-; read x <&R; exec R<&-; exec "$@" <&3 3<&-; } &\n'
    'echo $! >&P\n'
    'exit 0\n')


def free_fds(n):
    """n descriptor numbers in 4..9 that are not open."""
    out = []
    for fd in range(4, 10):
        try:
            os.fstat(fd)
        except OSError:
            out.append(fd)
    return out[:n] if len(out) >= n else None


def set_subreaper():
    if not sys.platform.startswith('linux'):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def status_code(status):
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def run_as_grandchild(args):
    """Returns (rc, rusage of the command alone), or None if the command
    could not be started this way."""
    pid_r, pid_w = os.pipe()
    go_r, go_w = os.pipe()
    fds = free_fds(3)
    if fds is None:
        for fd in (pid_r, pid_w, go_r, go_w):
            os.close(fd)
        return None
    r_fd, w_fd, p_fd = fds
    script = LAUNCH.replace('R', str(r_fd)).replace('W', str(w_fd)) \
        .replace('P', str(p_fd))

    def child_fds():
        os.dup2(go_r, r_fd)
        os.dup2(go_w, w_fd)
        os.dup2(pid_w, p_fd)

    try:
        # close_fds=False: the pipes are close-on-exec (PEP 446), their
        # copies made by child_fds are not, and what the caller meant the
        # command to inherit stays open
        launcher = subprocess.Popen(['/bin/sh', '-c', script, 'sh'] + args,
                                    preexec_fn=child_fds, close_fds=False)
    finally:
        for fd in (pid_w, go_r, go_w):
            os.close(fd)
    with os.fdopen(pid_r) as f:
        line = f.readline()
    launcher.wait()
    try:
        pid = int(line)
    except ValueError:
        return None

    # the command ignores SIGINT (an asynchronous list): pass interrupts
    # on as SIGTERM
    def forward(signo, frame):
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    while True:
        try:
            _, status, ru = os.wait4(pid, 0)
            break
        except InterruptedError:
            continue
    return status_code(status), ru


def main(argv):
    result = None
    args = argv[1:]
    while args and args[0].startswith('--'):
        if args[0] == '--':
            args = args[1:]
            break
        if args[0] == '--result' and len(args) > 1:
            result = args[1]
            args = args[2:]
        else:
            args = []
            break
    if not args:
        sys.stderr.write('usage: measure.py [--result FILE] [--] CMD...\n')
        return 2
    t0 = time.monotonic()
    got = None
    if set_subreaper():
        got = run_as_grandchild(args)
    if got is None:
        try:
            rc = subprocess.call(args)
        except OSError as e:
            sys.stderr.write('measure.py: %s: %s\n' % (args[0], e.strerror))
            return 127
        rc = 128 - rc if rc < 0 else rc
        got = rc, resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.monotonic() - t0
    rc, ru = got
    line = 'wall_s=%.3f user_s=%.3f sys_s=%.3f maxrss_kb=%d rc=%d\n' % (
        wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss, rc)
    if result:
        with open(result, 'a') as f:
            f.write(line)
    else:
        sys.stderr.write(line)
    return rc


if __name__ == '__main__':
    sys.exit(main(sys.argv))
