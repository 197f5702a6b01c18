#!/usr/bin/env bash
# Local PostgreSQL, Redis and RabbitMQ for the validator tests and for CI.
#
#   scripts/services.sh start [postgres|redis|rabbitmq ...]   start (or keep) the services
#   scripts/services.sh stop [postgres|redis|rabbitmq ...]    stop them (all by default) and delete their state
#   scripts/services.sh env                                   print `export KEY=value` lines
#   scripts/services.sh status                                say which ones answer
#
# Every service listens on 127.0.0.1 only, on a free port, with a password, and keeps all its
# state under one directory: $OPDEPLOY_SERVICES_DIR (default ${TMPDIR:-/tmp}/opdeploy-services).
# Host, port and credentials are written to $OPDEPLOY_SERVICES_DIR/services.env (mode 600).
#
# `start` is idempotent: a service that already answers with the recorded credentials is kept.
# A service whose binaries are missing is skipped with a warning (its keys are left out of
# services.env) so callers can skip the tests that need it.
#
# Passwords come from OPDEPLOY_PG_PASSWORD / OPDEPLOY_REDIS_PASSWORD / OPDEPLOY_RABBITMQ_PASSWORD
# when set (letters, digits, '.', '_', '-'), otherwise they are generated.
# Needs: bash, node (to find free ports), flock (util-linux). Runs as root (CI) or as a normal
# user; PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user.
set -euo pipefail

STATE_DIR="${OPDEPLOY_SERVICES_DIR:-${TMPDIR:-/tmp}/opdeploy-services}"
ENV_FILE="$STATE_DIR/services.env"
HOST=127.0.0.1

PG_BIN="${OPDEPLOY_PG_BIN:-}"
if [[ -z "$PG_BIN" ]]; then
  for candidate in /usr/lib/postgresql/*/bin; do
    [[ -x "$candidate/initdb" ]] && PG_BIN="$candidate"
  done
  if [[ -z "$PG_BIN" ]] && command -v initdb >/dev/null 2>&1; then PG_BIN="$(dirname "$(command -v initdb)")"; fi
fi
REDIS_SERVER="$(command -v redis-server || true)"
REDIS_CLI="$(command -v redis-cli || true)"
# The Debian wrappers in /usr/sbin switch to the rabbitmq user and its fixed directories; the real
# scripts in /usr/lib/rabbitmq/bin honour the RABBITMQ_* variables set below.
RABBIT_BIN=""
for candidate in /usr/lib/rabbitmq/bin "$(dirname "$(command -v rabbitmq-server 2>/dev/null || echo /nonexistent/x)")"; do
  if [[ -x "$candidate/rabbitmq-server" && -x "$candidate/rabbitmqctl" ]]; then RABBIT_BIN="$candidate"; break; fi
done

log() { echo "services.sh: $*" >&2; }

# ---------------------------------------------------------------- helpers

# Prints N distinct free TCP ports on 127.0.0.1 within [min, max).
free_ports() {
  node -e '
    const net = require("node:net");
    const [count, min, max] = process.argv.slice(1).map(Number);
    const taken = new Set();
    const tryPort = (port) => new Promise((resolve) => {
      const server = net.createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    (async () => {
      const found = [];
      for (let attempt = 0; attempt < 500 && found.length < count; attempt++) {
        const port = min + Math.floor(Math.random() * (max - min));
        if (taken.has(port)) continue;
        taken.add(port);
        if (await tryPort(port)) found.push(port);
      }
      if (found.length < count) { console.error("services.sh: no free ports"); process.exit(1); }
      console.log(found.join(" "));
    })();
  ' "$1" "${2:-20000}" "${3:-30000}"
}

new_password() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

check_password() {
  [[ "$1" =~ ^[A-Za-z0-9._-]+$ ]] || { log "$2 may only hold letters, digits, '.', '_' and '-'"; exit 2; }
}

# Value of KEY in the env file, empty when absent.
recorded() { [[ -f "$ENV_FILE" ]] && sed -n "s/^$1=//p" "$ENV_FILE" | tail -n1 || true; }

wait_for_port() { # port seconds
  local port="$1" deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    if (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null; then return 0; fi
    sleep 0.3
  done
  return 1
}

# Kills pid only when its command line matches (a stale pid file may name a reused pid).
kill_if_ours() { # pid pattern
  local pid="$1"
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$2" || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}

# PostgreSQL will not start as root: run its tools as the postgres system user then.
PG_USER_OS=""
as_pg() {
  if [[ -n "$PG_USER_OS" ]]; then runuser -u "$PG_USER_OS" -- "$@"; else "$@"; fi
}
pick_pg_os_user() {
  if [[ "$(id -u)" != 0 ]]; then return; fi
  if id postgres >/dev/null 2>&1; then PG_USER_OS=postgres; return; fi
  if ! id opdeploy-pg >/dev/null 2>&1; then useradd --system --no-create-home --shell /usr/sbin/nologin opdeploy-pg; fi
  PG_USER_OS=opdeploy-pg
}

# ---------------------------------------------------------------- PostgreSQL

pg_alive() {
  local port user password database
  port="$(recorded OPDEPLOY_PG_PORT)"; user="$(recorded OPDEPLOY_PG_USER)"
  password="$(recorded OPDEPLOY_PG_PASSWORD)"; database="$(recorded OPDEPLOY_PG_DATABASE)"
  [[ -n "$port" && -n "$password" ]] || return 1
  PGPASSWORD="$password" PGCONNECT_TIMEOUT=3 "$PG_BIN/psql" -h "$HOST" -p "$port" -U "$user" -d "$database" \
    -XAtqc 'SELECT 1' >/dev/null 2>&1
}

pg_start() {
  if [[ -z "$PG_BIN" ]]; then log "PostgreSQL binaries (initdb, pg_ctl) not found; skipping postgres"; return 1; fi
  if pg_alive; then
    PG_PORT="$(recorded OPDEPLOY_PG_PORT)"; PG_PASSWORD="$(recorded OPDEPLOY_PG_PASSWORD)"
    log "postgres already running on $HOST:$PG_PORT"; return 0
  fi
  pg_stop_quietly
  pick_pg_os_user
  PG_PASSWORD="${OPDEPLOY_PG_PASSWORD:-$(new_password)}"; check_password "$PG_PASSWORD" OPDEPLOY_PG_PASSWORD
  PG_PORT="$(free_ports 1)"
  local dir="$STATE_DIR/postgres"
  rm -rf "$dir"; mkdir -p "$dir/data" "$dir/socket"
  [[ -n "$PG_USER_OS" ]] && chown -R "$PG_USER_OS" "$dir"
  chmod 700 "$dir/data" "$dir/socket"
  # Password auth over TCP (what the validator uses); trust only on the private Unix socket, which
  # this script uses once to create the application role.
  as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --no-instructions >"$dir/initdb.log" 2>&1 || { log "initdb failed:"; cat "$dir/initdb.log" >&2; return 1; }
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start \
    -o "-p $PG_PORT -c listen_addresses=$HOST -c unix_socket_directories=$dir/socket -c unix_socket_permissions=0700 -c fsync=off" \
    >/dev/null 9>&- || { log "postgres did not start:"; tail -n 20 "$dir/postgres.log" >&2; return 1; }
  # The password goes through stdin, never through argv.
  as_pg "$PG_BIN/psql" -h "$dir/socket" -p "$PG_PORT" -U postgres -d postgres -Xq -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE ROLE opdeploy LOGIN PASSWORD '$PG_PASSWORD';
CREATE DATABASE opdeploy OWNER opdeploy;
SQL
  log "postgres started on $HOST:$PG_PORT"
}

pg_stop_quietly() {
  local dir="$STATE_DIR/postgres"
  [[ -f "$dir/data/postmaster.pid" && -n "$PG_BIN" ]] || return 0
  pick_pg_os_user
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------- Redis

redis_alive() {
  local port password
  port="$(recorded OPDEPLOY_REDIS_PORT)"; password="$(recorded OPDEPLOY_REDIS_PASSWORD)"
  [[ -n "$port" && -n "$password" && -n "$REDIS_CLI" ]] || return 1
  [[ "$(REDISCLI_AUTH="$password" timeout 3 "$REDIS_CLI" -h "$HOST" -p "$port" ping 2>/dev/null)" == PONG ]]
}

redis_start() {
  if [[ -z "$REDIS_SERVER" ]]; then log "redis-server not found; skipping redis"; return 1; fi
  if redis_alive; then
    REDIS_PORT="$(recorded OPDEPLOY_REDIS_PORT)"; REDIS_PASSWORD="$(recorded OPDEPLOY_REDIS_PASSWORD)"
    log "redis already running on $HOST:$REDIS_PORT"; return 0
  fi
  redis_stop_quietly
  REDIS_PASSWORD="${OPDEPLOY_REDIS_PASSWORD:-$(new_password)}"; check_password "$REDIS_PASSWORD" OPDEPLOY_REDIS_PASSWORD
  REDIS_PORT="$(free_ports 1)"
  local dir="$STATE_DIR/redis"
  rm -rf "$dir"; mkdir -p "$dir"; chmod 700 "$dir"
  # The password goes in a config file (not argv, where `ps` would show it).
  cat >"$dir/redis.conf" <<CONF
bind $HOST
port $REDIS_PORT
requirepass $REDIS_PASSWORD
daemonize yes
pidfile $dir/redis.pid
logfile $dir/redis.log
dir $dir
save ""
appendonly no
CONF
  chmod 600 "$dir/redis.conf"
  "$REDIS_SERVER" "$dir/redis.conf" 9>&- || { log "redis-server failed"; return 1; }
  wait_for_port "$REDIS_PORT" 20 || { log "redis did not open its port:"; tail -n 20 "$dir/redis.log" >&2; return 1; }
  log "redis started on $HOST:$REDIS_PORT"
}

redis_stop_quietly() {
  local pidfile="$STATE_DIR/redis/redis.pid" pid
  [[ -f "$pidfile" ]] || return 0
  pid="$(cat "$pidfile")"
  kill_if_ours "$pid" redis-server
}

# ---------------------------------------------------------------- RabbitMQ

# Everything the RabbitMQ scripts (server and CLI) need to find this node and only this node.
rabbit_env() {
  local dir="$STATE_DIR/rabbitmq"
  export HOME="$dir/home" # the Erlang cookie lives here, shared by server and CLI
  export RABBITMQ_NODENAME="opdeploy@localhost"
  export RABBITMQ_USE_LONGNAME=false
  export RABBITMQ_NODE_IP_ADDRESS="$HOST"
  export RABBITMQ_NODE_PORT="$1"
  export RABBITMQ_DIST_PORT="$2"
  export ERL_EPMD_PORT="$3"
  export ERL_EPMD_ADDRESS="$HOST"
  export RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
  export RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
  export RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
  export RABBITMQ_MNESIA_BASE="$dir/mnesia"
  export RABBITMQ_LOG_BASE="$dir/log"
  export RABBITMQ_PID_FILE="$dir/rabbitmq.pid"
  export RABBITMQ_LOGS="$dir/log/rabbit.log"
  # CLI tools take a distribution port of their own from this range.
  export RABBITMQ_CTL_DIST_PORT_MIN="$4"
  export RABBITMQ_CTL_DIST_PORT_MAX="$(($4 + 10))"
  # Erlang distribution on loopback only (it listens on every interface by default).
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

rabbit_alive() {
  local port dist epmd ctl
  port="$(recorded OPDEPLOY_RABBITMQ_PORT)"; dist="$(recorded OPDEPLOY_RABBITMQ_DIST_PORT)"
  epmd="$(recorded OPDEPLOY_RABBITMQ_EPMD_PORT)"; ctl="$(recorded OPDEPLOY_RABBITMQ_CTL_PORT)"
  [[ -n "$port" && -n "$dist" && -n "$epmd" && -n "$ctl" && -n "$RABBIT_BIN" ]] || return 1
  (rabbit_env "$port" "$dist" "$epmd" "$ctl"; timeout 20 "$RABBIT_BIN/rabbitmq-diagnostics" -q ping >/dev/null 2>&1)
}

rabbit_start() {
  if [[ -z "$RABBIT_BIN" ]]; then log "rabbitmq-server not found; skipping rabbitmq"; return 1; fi
  if rabbit_alive; then
    RABBIT_PORT="$(recorded OPDEPLOY_RABBITMQ_PORT)"; RABBIT_PASSWORD="$(recorded OPDEPLOY_RABBITMQ_PASSWORD)"
    RABBIT_DIST="$(recorded OPDEPLOY_RABBITMQ_DIST_PORT)"; RABBIT_EPMD="$(recorded OPDEPLOY_RABBITMQ_EPMD_PORT)"
    RABBIT_CTL="$(recorded OPDEPLOY_RABBITMQ_CTL_PORT)"
    log "rabbitmq already running on $HOST:$RABBIT_PORT"; return 0
  fi
  rabbit_stop_quietly
  RABBIT_PASSWORD="${OPDEPLOY_RABBITMQ_PASSWORD:-$(new_password)}"; check_password "$RABBIT_PASSWORD" OPDEPLOY_RABBITMQ_PASSWORD
  # AMQP, distribution and epmd ports; the CLI range needs 11 free ports above its minimum.
  read -r RABBIT_PORT RABBIT_DIST RABBIT_EPMD < <(free_ports 3)
  RABBIT_CTL="$(free_ports 1 30000 40000)"
  local dir="$STATE_DIR/rabbitmq"
  rm -rf "$dir"; mkdir -p "$dir/home" "$dir/mnesia" "$dir/log"; chmod 700 "$dir"
  : >"$dir/rabbitmq-env.conf"
  echo '[].' >"$dir/enabled_plugins"
  echo '[].' >"$dir/advanced.config"
  cat >"$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = $HOST:$RABBIT_PORT
disk_free_limit.absolute = 50MB
log.console = false
log.file.level = warning
CONF
  (
    rabbit_env "$RABBIT_PORT" "$RABBIT_DIST" "$RABBIT_EPMD" "$RABBIT_CTL"
    cd "$dir"
    # 9>&-: the long-lived server must not keep this script's lock (see the end of the file).
    setsid "$RABBIT_BIN/rabbitmq-server" >"$dir/log/startup.log" 2>&1 </dev/null 9>&- &
    echo $! >"$dir/server.pid"
    # Starting takes ~10-20 s; `await_startup` returns once the node runs its applications.
    local deadline=$((SECONDS + 120))
    until timeout 20 "$RABBIT_BIN/rabbitmqctl" -q await_startup --timeout 15 >/dev/null 2>&1; do
      if ((SECONDS >= deadline)) || ! kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then
        log "rabbitmq did not start:"; tail -n 30 "$dir/log/startup.log" >&2; exit 1
      fi
      sleep 1
    done
    local ctl="$RABBIT_BIN/rabbitmqctl"
    "$ctl" -q add_vhost opdeploy >/dev/null
    # The password goes through stdin (rabbitmqctl reads it when the argument is omitted).
    printf '%s\n' "$RABBIT_PASSWORD" | "$ctl" -q add_user opdeploy >/dev/null
    "$ctl" -q set_permissions -p opdeploy opdeploy '.*' '.*' '.*' >/dev/null
  ) || return 1
  log "rabbitmq started on $HOST:$RABBIT_PORT"
}

rabbit_stop_quietly() {
  local dir="$STATE_DIR/rabbitmq" port dist epmd ctl pid
  [[ -d "$dir" ]] || return 0
  port="$(recorded OPDEPLOY_RABBITMQ_PORT)"; dist="$(recorded OPDEPLOY_RABBITMQ_DIST_PORT)"
  epmd="$(recorded OPDEPLOY_RABBITMQ_EPMD_PORT)"; ctl="$(recorded OPDEPLOY_RABBITMQ_CTL_PORT)"
  if [[ -n "$port" && -n "$RABBIT_BIN" ]]; then
    (rabbit_env "$port" "$dist" "$epmd" "$ctl"; timeout 30 "$RABBIT_BIN/rabbitmqctl" -q stop >/dev/null 2>&1) || true
  fi
  for pidfile in "$dir/rabbitmq.pid" "$dir/server.pid"; do
    [[ -f "$pidfile" ]] || continue
    pid="$(cat "$pidfile")"
    kill_if_ours "$pid" "rabbitmq-server\\|$dir"
  done
  # The Erlang port mapper daemon was started for this node on its own port: stop that one only.
  if [[ -n "$epmd" ]] && command -v epmd >/dev/null 2>&1; then
    ERL_EPMD_PORT="$epmd" epmd -kill >/dev/null 2>&1 || true
  fi
}

# ---------------------------------------------------------------- commands

write_env() {
  local tmp="$ENV_FILE.tmp"
  {
    echo "# Written by scripts/services.sh start; all services listen on $HOST only."
    echo "OPDEPLOY_SERVICES_DIR=$STATE_DIR"
    if [[ -n "${PG_PORT:-}" ]]; then
      echo "OPDEPLOY_PG_HOST=$HOST"; echo "OPDEPLOY_PG_PORT=$PG_PORT"
      echo "OPDEPLOY_PG_USER=opdeploy"; echo "OPDEPLOY_PG_PASSWORD=$PG_PASSWORD"; echo "OPDEPLOY_PG_DATABASE=opdeploy"
    fi
    if [[ -n "${REDIS_PORT:-}" ]]; then
      echo "OPDEPLOY_REDIS_HOST=$HOST"; echo "OPDEPLOY_REDIS_PORT=$REDIS_PORT"; echo "OPDEPLOY_REDIS_PASSWORD=$REDIS_PASSWORD"
    fi
    if [[ -n "${RABBIT_PORT:-}" ]]; then
      echo "OPDEPLOY_RABBITMQ_HOST=$HOST"; echo "OPDEPLOY_RABBITMQ_PORT=$RABBIT_PORT"
      echo "OPDEPLOY_RABBITMQ_USER=opdeploy"; echo "OPDEPLOY_RABBITMQ_PASSWORD=$RABBIT_PASSWORD"; echo "OPDEPLOY_RABBITMQ_VHOST=opdeploy"
      echo "OPDEPLOY_RABBITMQ_DIST_PORT=$RABBIT_DIST"; echo "OPDEPLOY_RABBITMQ_EPMD_PORT=$RABBIT_EPMD"
      echo "OPDEPLOY_RABBITMQ_CTL_PORT=$RABBIT_CTL"
    fi
  } >"$tmp"
  chmod 600 "$tmp"
  mv "$tmp" "$ENV_FILE"
}

cmd_start() {
  local wanted=("$@")
  ((${#wanted[@]})) || wanted=(postgres redis rabbitmq)
  mkdir -p "$STATE_DIR"; chmod 755 "$STATE_DIR" # postgres (another OS user) must reach its subdirectory
  local failed=0
  for service in "${wanted[@]}"; do
    case "$service" in
      postgres|postgresql) pg_start || failed=1 ;;
      redis) redis_start || failed=1 ;;
      rabbitmq|rabbit) rabbit_start || failed=1 ;;
      *) log "unknown service '$service' (postgres, redis, rabbitmq)"; exit 2 ;;
    esac
  done
  # Keep what was recorded for services not asked for this time and still running.
  if [[ ! " ${wanted[*]} " =~ " postgres" ]] && pg_alive 2>/dev/null; then
    PG_PORT="$(recorded OPDEPLOY_PG_PORT)"; PG_PASSWORD="$(recorded OPDEPLOY_PG_PASSWORD)"
  fi
  if [[ ! " ${wanted[*]} " =~ " redis" ]] && redis_alive 2>/dev/null; then
    REDIS_PORT="$(recorded OPDEPLOY_REDIS_PORT)"; REDIS_PASSWORD="$(recorded OPDEPLOY_REDIS_PASSWORD)"
  fi
  if [[ ! " ${wanted[*]} " =~ " rabbit" ]] && rabbit_alive 2>/dev/null; then
    RABBIT_PORT="$(recorded OPDEPLOY_RABBITMQ_PORT)"; RABBIT_PASSWORD="$(recorded OPDEPLOY_RABBITMQ_PASSWORD)"
    RABBIT_DIST="$(recorded OPDEPLOY_RABBITMQ_DIST_PORT)"; RABBIT_EPMD="$(recorded OPDEPLOY_RABBITMQ_EPMD_PORT)"
    RABBIT_CTL="$(recorded OPDEPLOY_RABBITMQ_CTL_PORT)"
  fi
  write_env
  log "wrote $ENV_FILE"
  return "$failed"
}

cmd_stop() {
  [[ -d "$STATE_DIR" ]] || { log "nothing to stop"; return 0; }
  if (($# == 0)); then
    pg_stop_quietly; redis_stop_quietly; rabbit_stop_quietly
    rm -rf "$STATE_DIR"
    log "stopped; removed $STATE_DIR"
    return 0
  fi
  local prefix
  for service in "$@"; do
    case "$service" in
      postgres|postgresql) pg_stop_quietly; rm -rf "$STATE_DIR/postgres"; prefix=OPDEPLOY_PG_ ;;
      redis) redis_stop_quietly; rm -rf "$STATE_DIR/redis"; prefix=OPDEPLOY_REDIS_ ;;
      rabbitmq|rabbit) rabbit_stop_quietly; rm -rf "$STATE_DIR/rabbitmq"; prefix=OPDEPLOY_RABBITMQ_ ;;
      *) log "unknown service '$service' (postgres, redis, rabbitmq)"; exit 2 ;;
    esac
    if [[ -f "$ENV_FILE" ]]; then
      grep -v "^$prefix" "$ENV_FILE" >"$ENV_FILE.tmp" || true
      chmod 600 "$ENV_FILE.tmp"; mv "$ENV_FILE.tmp" "$ENV_FILE"
    fi
    log "stopped $service"
  done
  # Nothing left running: remove the state directory as a full stop does.
  if ! grep -q '^OPDEPLOY_\(PG\|REDIS\|RABBITMQ\)_' "$ENV_FILE" 2>/dev/null; then
    rm -rf "$STATE_DIR"
    log "removed $STATE_DIR"
  fi
}

cmd_env() {
  [[ -f "$ENV_FILE" ]] || { log "no $ENV_FILE; run: scripts/services.sh start"; exit 1; }
  grep -v '^#' "$ENV_FILE" | sed 's/^/export /'
}

cmd_status() {
  pg_alive && echo "postgres: up on $HOST:$(recorded OPDEPLOY_PG_PORT)" || echo "postgres: down"
  redis_alive && echo "redis: up on $HOST:$(recorded OPDEPLOY_REDIS_PORT)" || echo "redis: down"
  rabbit_alive && echo "rabbitmq: up on $HOST:$(recorded OPDEPLOY_RABBITMQ_PORT)" || echo "rabbitmq: down"
}

command="${1:-}"; shift || true
case "$command" in
  start|stop)
    mkdir -p "$(dirname "$STATE_DIR")"
    # One start/stop at a time (parallel test workers may all ask for the services). The servers
    # started below get `9>&-` so that they do not inherit, and hold, this lock.
    exec 9>"$STATE_DIR.lock"
    flock -w 300 9 || { log "could not lock $STATE_DIR.lock"; exit 1; }
    "cmd_$command" "$@"
    ;;
  env) cmd_env ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop [postgres|redis|rabbitmq ...] | env | status" >&2; exit 2 ;;
esac
