/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * relanced.c - the daemon: options, start-up, privileges, signals.
 *
 * Start-up order matters: read the configuration and the key as root, open
 * the milter socket, give it to the unprivileged user, drop privileges,
 * then open the database (so that its files belong to that user) and only
 * then start threads. libmilter owns SIGHUP, SIGINT and SIGTERM; relance
 * reloads its configuration on SIGUSR1.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glib.h>
#include <gmime/gmime.h>
#include <grp.h>
#include <libmilter/mfapi.h>
#include <libxml/xmlversion.h>
#include <poppler.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "core/calendar.h"
#include "core/config.h"
#include "lib/audit.h"
#include "lib/log.h"
#include "lib/message.h"
#include "recognise/catchup.h"
#include "recognise/invoice_xml.h"
#include "relanced/milter.h"
#include "relanced/privcheck.h"
#include "remind/scheduler.h"
#include "store/store.h"

struct options {
    const char *config_path;
    bool check_only;
    bool foreground;
};

static void usage(FILE *out)
{
    fprintf(out, "usage: relanced [-c FILE] [-n] [-f] [-V]\n"
                 "  -c FILE  configuration file (default " CONFIG_DEFAULT_PATH ")\n"
                 "  -n       check the configuration, print \"configuration OK\" and exit\n"
                 "  -f       stay in the foreground, log to stderr unless Syslog is set\n"
                 "  -V       print versions of relance and its libraries\n");
}

static void print_versions(void)
{
    unsigned int major, minor, patch;

    smfi_version(&major, &minor, &patch);
    printf("relance %s\n", RELANCE_VERSION);
    printf("libmilter %u.%u.%u\n", major, minor, patch);
    printf("GMime %u.%u.%u\n", gmime_major_version, gmime_minor_version, gmime_micro_version);
    printf("SQLite %s\n", sqlite3_libversion());
    printf("libsodium %s\n", sodium_version_string());
    printf("libxml2 %s\n", LIBXML_DOTTED_VERSION);
    printf("poppler %s\n", poppler_get_version());
}

static int syslog_facility(int index)
{
    static const int facilities[] = {LOG_MAIL,   LOG_DAEMON, LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2,
                                     LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7};
    return index >= 0 && (size_t)index < ARRAY_LEN(facilities) ? facilities[index] : LOG_MAIL;
}

/* Checks what loading alone cannot: the key and the unprivileged user. */
static bool check_environment(const struct config *cfg, struct strlist *errors)
{
    struct audit_key key;
    char why[256];
    bool ok = true;

    if (!audit_key_load(cfg->key_file, &key, why, sizeof why)) {
        strlist_addf(errors, "%s:0: KeyFile: %s (create it with: relancectl keygen)", cfg->path, why);
        ok = false;
    }
    sodium_memzero(&key, sizeof key);
    if (cfg->user_id[0] && getuid() == 0 && getpwnam(cfg->user_id) == NULL) {
        strlist_addf(errors, "%s:0: UserID: no such user '%s'", cfg->path, cfg->user_id);
        ok = false;
    }
    if (cfg->socket_group[0] && getgrnam(cfg->socket_group) == NULL) {
        strlist_addf(errors, "%s:0: SocketGroup: no such group '%s'", cfg->path, cfg->socket_group);
        ok = false;
    }
    return ok;
}

/* Reads the configuration; its errors go to stderr for -n, else to the
 * log (syslog, copied to stderr while starting). */
static struct config *load_config(const char *path, bool check_env, bool to_log)
{
    struct strlist errors;
    struct config *cfg;

    strlist_init(&errors);
    cfg = config_load(path, &errors);
    /* The lexicon belongs to the snapshot: a reload reads it again. */
    if (cfg && !config_load_lexicon(cfg, &errors)) {
        config_unref(cfg);
        cfg = NULL;
    }
    if (cfg && check_env && !check_environment(cfg, &errors)) {
        config_unref(cfg);
        cfg = NULL;
    }
    for (size_t i = 0; i < errors.count; i++) {
        if (to_log)
            log_error(NULL, "%s", errors.items[i]);
        else
            fprintf(stderr, "%s\n", errors.items[i]);
    }
    strlist_free(&errors);
    return cfg;
}

/* What UserID will not be able to read after the drop, said before it
 * matters: on stderr for -n, in the log at start-up. Only root drops
 * privileges, so only root's check means anything. */
/* Rates that are right but stale (EcbRate has no rate for this
 * half-year): said by -n and logged at start and reload. */
static void warn_stale(const struct config *cfg, bool to_stderr)
{
    struct strlist warnings;

    strlist_init(&warnings);
    config_warnings(cfg, calendar_zone_local(cfg->timezone, time(NULL)).date, &warnings);
    for (size_t i = 0; i < warnings.count; i++) {
        if (to_stderr)
            fprintf(stderr, "%s\n", warnings.items[i]);
        else
            log_warning(NULL, "%s", warnings.items[i]);
    }
    strlist_free(&warnings);
}

static void warn_unreadable(const struct config *cfg, const char *path, bool to_stderr)
{
    struct passwd *pw;
    struct strlist warnings;

    if (getuid() != 0 || !cfg->user_id[0] || (pw = getpwnam(cfg->user_id)) == NULL)
        return;
    strlist_init(&warnings);
    privcheck(cfg, path, pw, &warnings);
    for (size_t i = 0; i < warnings.count; i++) {
        if (to_stderr)
            fprintf(stderr, "%s\n", warnings.items[i]);
        else
            log_warning(NULL, "%s", warnings.items[i]);
    }
    strlist_free(&warnings);
}

/* A consumer must be told of the consumer mediator (C. consom. L612-1,
 * L616-1): when debtors not known to be businesses are reminded and
 * MediatorName is empty, the reminders cannot name one. A warning, not a
 * refusal: the operator may flag every debtor a business. */
static void warn_no_mediator(const struct config *cfg, const char *path, bool to_stderr)
{
    static const char what[] = "MediatorName is empty: reminders to consumers (DefaultDebtorKind %s) will not"
                               " name the consumer mediator (C. consom. L612-1, L616-1)";
    const char *kind = debtor_kind_name((enum debtor_kind)cfg->default_debtor_kind);

    if (cfg->mediator_name[0] != '\0' || cfg->default_debtor_kind == DEBTOR_KIND_BUSINESS)
        return;
    if (to_stderr) {
        fprintf(stderr, "%s:0: warning: ", path);
        fprintf(stderr, what, kind);
        fputc('\n', stderr);
    } else {
        log_warning(NULL, what, kind);
    }
}

/* The socket's path, or NULL for an inet socket. */
static const char *socket_path(const char *socket)
{
    if (strncmp(socket, "local:", 6) == 0 || strncmp(socket, "unix:", 5) == 0)
        return strchr(socket, ':') + 1;
    return NULL;
}

/* The group the MTA reaches the socket through: SocketGroup, else the
 * primary group of UserID; (gid_t)-1 when neither applies. */
static gid_t socket_gid(const struct config *cfg, const struct passwd *pw)
{
    struct group *gr;

    if (cfg->socket_group[0] && (gr = getgrnam(cfg->socket_group)) != NULL)
        return gr->gr_gid;
    return pw ? pw->pw_gid : (gid_t)-1;
}

/* The socket's directory (/run/relance, /var/spool/postfix/relance) is
 * made when missing, mode 0750, UserID's and the socket group's: the
 * MTA enters it through the group. One that exists is left as it is. */
static bool prepare_socket_directory(const char *path, const struct passwd *pw, gid_t gid)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    bool ok = true;

    if (slash != NULL && slash != dir) {
        *slash = '\0';
        if (mkdir(dir, 0750) == 0) {
            /* The umask (077) took the group's bits: given back. */
            if (chmod(dir, 0750) != 0 ||
                ((pw || gid != (gid_t)-1) && chown(dir, pw ? pw->pw_uid : (uid_t)-1, gid) != 0)) {
                log_error(NULL, "cannot give %s to UserID and SocketGroup: %s", dir, strerror(errno));
                ok = false;
            }
        } else if (errno != EEXIST) {
            log_error(NULL, "cannot create %s: %s", dir, strerror(errno));
            ok = false;
        }
    }
    free(dir);
    return ok;
}

/* The socket must be usable by the MTA's user through the group, and by
 * nobody else: mode 0660, owner UserID, group SocketGroup. The umask
 * stays 077 for the whole run: the database, its WAL and anything else
 * relanced creates are its own (letters say their mode themselves). */
static bool prepare_socket(const struct config *cfg, const struct passwd *pw)
{
    const char *path = socket_path(cfg->socket);
    gid_t gid = socket_gid(cfg, pw);

    umask(077);
    if (path && !prepare_socket_directory(path, pw, gid))
        return false;
    if (smfi_setconn(cfg->socket) != MI_SUCCESS) {
        log_error(NULL, "cannot use socket %s", cfg->socket);
        return false;
    }
    if (smfi_opensocket(true) != MI_SUCCESS) {
        log_error(NULL, "cannot open socket %s", cfg->socket);
        return false;
    }
    /* The mode first, while root owns it: changing the mode of UserID's
     * socket would take CAP_FOWNER, which the unit does not grant. */
    if (path && chmod(path, 0660) != 0)
        log_warning(NULL, "cannot set mode 0660 on %s: %s", path, strerror(errno));
    if (path && (pw || gid != (gid_t)-1) && chown(path, pw ? pw->pw_uid : (uid_t)-1, gid) != 0)
        log_warning(NULL, "cannot give %s to UserID and SocketGroup: %s", path, strerror(errno));
    return true;
}

/* Whether systemd made dir for this service (StateDirectory=): it names
 * such directories in $STATE_DIRECTORY, colon-separated, and makes them
 * for root when the unit has no User=. */
static bool made_by_systemd(const char *dir)
{
    const char *list = getenv("STATE_DIRECTORY");
    size_t len = strlen(dir);

    for (const char *p = list; p != NULL && *p; p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL)
        if (strncmp(p, dir, len) == 0 && (p[len] == ':' || p[len] == '\0'))
            return true;
    return false;
}

/* The database's directory is made on first start, owned by UserID, so
 * that a fresh install needs no manual step beyond the user. One that
 * systemd made for root is given to UserID too; any other that exists is
 * left as it is. */
static bool prepare_state_directory(const struct config *cfg, const struct passwd *pw)
{
    char *dir = xstrdup(cfg->database);
    char *slash = strrchr(dir, '/');
    struct stat st;
    bool ok = true;

    if (slash != NULL && slash != dir) {
        *slash = '\0';
        if (mkdir(dir, 0750) == 0 ||
            (errno == EEXIST && made_by_systemd(dir) && stat(dir, &st) == 0 && st.st_uid == 0)) {
            if (pw && chown(dir, pw->pw_uid, pw->pw_gid) != 0) {
                log_error(NULL, "cannot give %s to %s: %s", dir, pw->pw_name, strerror(errno));
                ok = false;
            }
        } else if (errno != EEXIST) {
            log_error(NULL, "cannot create %s: %s", dir, strerror(errno));
            ok = false;
        }
    }
    free(dir);
    return ok;
}

static bool drop_privileges(const struct passwd *pw)
{
    if (pw == NULL)
        return true;
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
        log_error(NULL, "cannot become user %s: %s", pw->pw_name, strerror(errno));
        return false;
    }
    if (setuid(0) == 0) {
        log_error(NULL, "privileges were not dropped");
        return false;
    }
    return true;
}

static bool write_pid_file(const char *path)
{
    FILE *f;

    if (path == NULL || path[0] == '\0')
        return true;
    f = fopen(path, "w");
    if (f == NULL) {
        log_error(NULL, "cannot write pid file %s: %s", path, strerror(errno));
        return false;
    }
    fprintf(f, "%ld\n", (long)getpid());
    fclose(f);
    return true;
}

/* ---- reload on SIGUSR1 ---- */

static const char *reload_path;
static volatile sig_atomic_t stopping;

static void reload_config(void)
{
    struct config *cfg = load_config(reload_path, false, true);
    struct config *old;

    if (cfg == NULL) {
        log_error(NULL, "reload failed: the configuration has errors; keeping the running one");
        return;
    }
    old = milter_get_config();
    if (strcmp(old->socket, cfg->socket) != 0 || strcmp(old->database, cfg->database) != 0 ||
        strcmp(old->key_file, cfg->key_file) != 0 || strcmp(old->user_id, cfg->user_id) != 0 ||
        strcmp(old->socket_group, cfg->socket_group) != 0)
        log_warning(NULL, "Socket, SocketGroup, Database, KeyFile and UserID changes take effect at restart");
    /* Said under the more verbose of the old and new levels, so that a
     * change of LogLevel either way does not hide it. */
    if ((int)cfg->log_level > (int)log_get_level())
        log_set_level((enum log_level)cfg->log_level);
    log_notice(NULL, "configuration reloaded from %s", reload_path);
    /* Each snapshot carries its own zone: the next scheduler run and the
     * next reply follow the new one, with no restart. */
    if (strcmp(calendar_zone_name(old->timezone), calendar_zone_name(cfg->timezone)) != 0)
        log_notice(NULL, "Timezone is now %s", calendar_zone_name(cfg->timezone));
    warn_stale(cfg, false);
    log_set_level((enum log_level)cfg->log_level);
    milter_set_config(cfg);
    config_unref(cfg);
    config_unref(old);
}

static void *reload_thread(void *arg)
{
    sigset_t set;
    int sig;

    (void)arg;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    while (sigwait(&set, &sig) == 0 && !stopping)
        reload_config();
    return NULL;
}

static bool start_reload_thread(pthread_t *thread)
{
    return pthread_create(thread, NULL, reload_thread, NULL) == 0;
}

static void stop_reload_thread(pthread_t thread)
{
    stopping = 1;
    pthread_kill(thread, SIGUSR1);
    pthread_join(thread, NULL);
}

/* ---- main ---- */

static int parse_options(int argc, char **argv, struct options *opt)
{
    int ch;

    opt->config_path = CONFIG_DEFAULT_PATH;
    opt->check_only = false;
    opt->foreground = false;
    while ((ch = getopt(argc, argv, "c:nfVh")) != -1) {
        switch (ch) {
        case 'c':
            opt->config_path = optarg;
            break;
        case 'n':
            opt->check_only = true;
            break;
        case 'f':
            opt->foreground = true;
            break;
        case 'V':
            print_versions();
            exit(0);
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return -1;
        }
    }
    return optind == argc ? 0 : -1;
}

/* What the reminders will do, said once, loudly when it is not the real
 * thing (DryRun, RedirectTo) or nothing at all. */
static void log_reminder_mode(const struct config *cfg)
{
    struct strbuf missing;

    if (cfg->scheduler_interval == 0)
        log_notice(NULL, "SchedulerInterval is 0: reminders go out only with relancectl run-due"
                         " (mail about replies still goes out at once)");
    else
        log_notice(NULL, "reminders: due work runs every %llds (Timezone %s)", cfg->scheduler_interval,
                   calendar_zone_name(cfg->timezone));
    if (cfg->dry_run)
        log_warning(NULL, "DryRun is on: reminders are written to %s, none is sent", cfg->dry_run_dir);
    if (cfg->redirect_to[0])
        log_warning(NULL, "RedirectTo is set: every reminder goes to <%s>, none to its debtor", cfg->redirect_to);
    warn_stale(cfg, false);
    strbuf_init(&missing);
    scheduler_missing_keys(cfg, &missing);
    if (missing.len > 0)
        log_warning(NULL, "no reminder is sent until these keys are set: %s", missing.data);
    strbuf_free(&missing);
}

static void log_startup(const struct config *cfg)
{
    log_notice(NULL, "relance %s starting on %s, database %s", RELANCE_VERSION, cfg->socket, cfg->database);
    if (cfg->invoice_senders.count == 0)
        log_notice(NULL, "InvoiceSenders is empty: only mail from InternalHosts is examined");
    if (cfg->creditor_name[0] == '\0' && cfg->creditor_ids.count == 0)
        log_notice(NULL, "CreditorName and CreditorIds are empty: whose invoice it is cannot be checked,"
                         " every invoice read is tracked (a supplier's forwarded invoice too)");
    log_reminder_mode(cfg);
}

static int run(const struct options *opt, struct config *cfg)
{
    struct milter_setup setup;
    struct passwd *pw = NULL;
    char why[256];
    struct store *st;
    sigset_t set;
    pthread_t reload;
    struct scheduler_thread *scheduler = NULL;
    int rc;

    if (getuid() == 0 && cfg->user_id[0] && (pw = getpwnam(cfg->user_id)) == NULL) {
        log_error(NULL, "UserID: no such user '%s'", cfg->user_id);
        return 1;
    }
    if (cfg->socket_group[0] && getgrnam(cfg->socket_group) == NULL) {
        log_error(NULL, "SocketGroup: no such group '%s'", cfg->socket_group);
        return 1;
    }
    if (!audit_key_load(cfg->key_file, &setup.key, why, sizeof why)) {
        log_error(NULL, "KeyFile: %s (create it with: relancectl keygen)", why);
        return 1;
    }
    /* libmilter wants the callbacks registered before the socket opens. */
    setup.cfg = cfg;
    setup.pool = store_pool_new(cfg->database, (int)cfg->database_timeout * 1000);
    if (!milter_register(&setup)) {
        log_error(NULL, "cannot register with libmilter");
        return 1;
    }
    /* Before the drop (root lists the files) and before any thread (the
     * check forks). */
    warn_unreadable(cfg, opt->config_path, false);
    warn_no_mediator(cfg, opt->config_path, false);
    if (!prepare_socket(cfg, pw) || !prepare_state_directory(cfg, pw) || !drop_privileges(pw))
        return 1;
    st = store_open(cfg->database, (int)cfg->database_timeout * 1000, why, sizeof why);
    if (st == NULL) {
        log_error(NULL, "Database: %s", why);
        return 1;
    }
    store_close(st);
    if (!opt->foreground && daemon(0, 0) != 0) {
        log_error(NULL, "cannot detach: %s", strerror(errno));
        return 1;
    }
    write_pid_file(cfg->pid_file);
    message_library_init();
    invoice_xml_init();
    /* Threads inherit the mask: SIGUSR1 is taken by sigwait in the reload
     * thread, and HUP, TERM and INT by libmilter's own signal thread; no
     * other thread may receive them, or their default action would kill
     * the daemon. So all four are blocked before any thread starts. */
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    reload_path = opt->config_path;
    if (!start_reload_thread(&reload)) {
        log_error(NULL, "cannot start the reload thread");
        return 1;
    }
    log_startup(cfg);
    /* Started even with SchedulerInterval 0: mail about replies (the
     * creditor's notice of a dispute) must not wait for a cron job. */
    if ((scheduler = scheduler_start(milter_get_config, setup.pool, &setup.key)) == NULL) {
        log_error(NULL, "cannot start the scheduler thread");
        return 1;
    }
    /* Invoices read while the store failed are recorded when it is back. */
    if (!catchup_start(milter_get_config, setup.pool, &setup.key)) {
        log_error(NULL, "cannot start the catch-up thread");
        return 1;
    }
    /* Started: from here on, the log alone. */
    log_copy_to_stderr(false);
    rc = smfi_main() == MI_SUCCESS ? 0 : 1;
    log_notice(NULL, "relance stopping");
    /* A run in progress finishes its reminder before the store goes. */
    scheduler_stop(scheduler);
    /* A last attempt; what still waits is logged, invoice by invoice. */
    catchup_stop();
    stop_reload_thread(reload);
    milter_shutdown();
    store_pool_free(setup.pool);
    sodium_memzero(&setup.key, sizeof setup.key);
    if (cfg->pid_file[0])
        unlink(cfg->pid_file);
    return rc;
}

int main(int argc, char **argv)
{
    struct options opt;
    struct config *cfg;
    int rc;

    if (parse_options(argc, argv, &opt) != 0)
        return 2;
    if (sodium_init() < 0) {
        fprintf(stderr, "relanced: libsodium failed to initialise\n");
        return 1;
    }
    /* Until the configuration says otherwise, the log is its default
     * (Syslog yes, facility mail), and every start-up error and warning
     * is also written to stderr: without a syslog daemon, or before
     * systemd's journal reads syslog, a failure is still seen. */
    if (!opt.check_only) {
        log_open("relanced", true, LOG_MAIL);
        log_copy_to_stderr(true);
    }
    cfg = load_config(opt.config_path, opt.check_only, !opt.check_only);
    if (cfg == NULL)
        return 1;
    if (opt.check_only) {
        /* Warnings, not errors: the daemon runs, a later reload fails. */
        warn_unreadable(cfg, opt.config_path, true);
        warn_no_mediator(cfg, opt.config_path, true);
        warn_stale(cfg, true);
        printf("configuration OK\n");
        config_unref(cfg);
        return 0;
    }
    log_open("relanced", cfg->syslog, syslog_facility(cfg->syslog_facility));
    log_set_level((enum log_level)cfg->log_level);
    rc = run(&opt, cfg);
    config_unref(cfg);
    return rc;
}
