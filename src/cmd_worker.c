/* cmd_worker.c: `spanport worker`: runs queued jobs until stopped, once, or
 * until the queue is drained; SIGINT/SIGTERM finish or release the job at
 * hand. */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "jobs.h"
#include "util/time.h"
#include "worker.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void log_line(void *arg, const char *line)
{
    const struct cli *cli = arg;

    if (!cli->quiet)
        fprintf(stderr, "worker: %s\n", line);
}

/* Sleeps up to `seconds`, waking early when a signal arrives. */
static void nap(double seconds)
{
    struct timespec ts;

    if (seconds <= 0)
        return;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    nanosleep(&ts, NULL);
}

struct worker_opts {
    int once, drain;
    double poll_s;
};

static int parse(int argc, char **argv, struct worker_opts *o)
{
    static const struct option longopts[] = {
        {"once", no_argument, NULL, '1'},
        {"drain", no_argument, NULL, 'd'},
        {"poll", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char *end;
    int c;

    o->poll_s = 2;
    optind = 0;
    while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        if (c == '1') {
            o->once = 1;
        } else if (c == 'd') {
            o->drain = 1;
        } else if (c == 'p') {
            o->poll_s = strtod(optarg, &end);
            if (*end || !(o->poll_s > 0) || o->poll_s > 3600)
                return cli_usage("worker", "--poll takes seconds, more than "
                                           "0 and at most 3600");
        } else if (c == 'h') {
            puts("usage: spanport worker [--once] [--drain] [--poll "
                 "SECONDS]\n\nRuns queued export jobs. --once: at most one "
                 "job. --drain: exit when no job\nis left. SIGINT/SIGTERM "
                 "stop it after releasing the job at hand.\nA store locked "
                 "by another spanport is waited for, never a reason to "
                 "stop.\nExit status with --once or --drain: 1 when an "
                 "export or a notification it ran\nended failed (after its "
                 "last attempt), else 0.");
            exit(0);
        } else {
            return cli_usage("worker", "bad option");
        }
    }
    if (optind < argc)
        return cli_usage("worker", "unexpected argument \"%s\"", argv[optind]);
    return 0;
}

/* --drain: done when nothing is queued or running; else how long to wait
 * for the next job to come due. */
static int drained(struct store *st, double *wait_s, struct sp_err *err)
{
    int64_t n, next;

    if (jobs_pending(st, &n, &next, err) != 0)
        return -1;
    if (n == 0)
        return 1;
    *wait_s = (double)(next - sp_time_now_ns()) / 1e9;
    if (*wait_s < 0.05)
        *wait_s = 0.05;
    return 0;
}

/* A store locked by another process (an import holds it for a whole file)
 * is no reason to stop: the worker tries again at its next poll, and says
 * once that it is waiting. 1: wait and try again; 0: a real failure. */
static int store_busy(const struct cli *cli, const struct sp_err *err,
                      const struct worker_opts *o, int *told)
{
    if (!err->busy)
        return 0;
    if (!*told && !cli->quiet)
        fprintf(stderr,
                "worker: the store is locked by another spanport; trying "
                "again every %g s until it is free\n",
                o->poll_s);
    *told = 1;
    return 1;
}

static int loop(const struct cli *cli, struct store *st, struct worker *w,
                const struct worker_opts *o)
{
    struct sp_err err = {0};
    int ran, d, told = 0;

    while (!stop_requested) {
        double wait_s = o->poll_s;

        if (worker_step(st, w, NULL, &ran, &err) != 0) {
            if (!store_busy(cli, &err, o, &told))
                return cli_fail(&err);
            nap(wait_s);
            continue;
        }
        told = 0;
        if (o->once && ran)
            break;
        if (ran)
            continue;
        if (o->once)
            break;
        if (o->drain) {
            if ((d = drained(st, &wait_s, &err)) < 0 &&
                !store_busy(cli, &err, o, &told))
                return cli_fail(&err);
            if (d > 0)
                break;
            if (wait_s > o->poll_s)
                wait_s = o->poll_s;
        }
        nap(wait_s);
    }
    return 0;
}

int cmd_worker(struct cli *cli, int argc, char **argv)
{
    struct worker_opts o = {0};
    struct sigaction sa;
    struct store *st = NULL;
    struct worker w;
    int rc;

    if ((rc = parse(argc, argv, &o)) != 0)
        return rc;
    if ((rc = cli_open_store(cli, &st, STORE_MUST_EXIST)) != 0)
        return rc;
    st->on_wait = NULL; /* a busy store is told once, by loop() */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal; /* no SA_RESTART: naps end at once */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    worker_init(&w);
    w.stop = &stop_requested;
    w.log = log_line;
    w.log_arg = cli;
    rc = loop(cli, st, &w, &o);
    store_close(st);
    if (rc == 0 && w.n_failed > 0 && (o.once || o.drain)) {
        fprintf(stderr,
                "spanport: worker: %d job%s ended failed: %s; "
                "`spanport exports show UUID` tells why\n",
                w.n_failed, w.n_failed == 1 ? "" : "s", w.failed);
        rc = 1;
    }
    return rc;
}
