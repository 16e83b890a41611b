# Shared by scripts/run, scripts/test and the benchmarks: Debian packages, the CMake build and
# a private PostgreSQL 15 cluster. Source it; it defines functions and sets nothing else.

LGVO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_BIN=/usr/lib/postgresql/15/bin

log() { printf '%s\n' "lgvo: $*" >&2; }
die() { printf '%s\n' "lgvo: error: $*" >&2; exit 1; }

# Installs the Debian packages given (as root), or names the one apt-get line needed and stops.
ensure_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return 0
    if [ "$(id -u)" -ne 0 ]; then
        printf '%s\n' "lgvo: missing Debian packages. Install them once with:" \
            "  sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        die "apt-get install ${missing[*]} failed"
}

BUILD_PACKAGES=(gcc make cmake pkg-config libulfius-dev libmicrohttpd-dev libjansson-dev
    libpq-dev libjwt-dev libsodium-dev libssl-dev postgresql-15 postgresql-client-15)

# cmake_build DIR BUILD_TYPE [extra cmake args...]
cmake_build() {
    local dir=$1 type=$2
    shift 2
    cmake -S "$LGVO_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null ||
        die "cmake configure failed"
    cmake --build "$dir" -j "$(nproc)" -- --no-print-directory >/dev/null 2>"$dir/build.log" || {
        cat "$dir/build.log" >&2
        die "build failed"
    }
}

# Runs a PostgreSQL program as the cluster's owner: initdb refuses to run as root, so as root
# the cluster belongs to the postgres system user.
pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# pg_init DATADIR PORT AUTH(trust|scram) [SUPERUSER_PASSWORD_FILE]
# Creates a cluster listening on 127.0.0.1:PORT only (no Unix socket).
pg_init() {
    local dir=$1 port=$2 auth=$3 pwfile=${4:-}
    mkdir -p "$dir"
    chmod 700 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    local args=(-D "$dir" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=reject)
    if [ "$auth" = scram ]; then
        [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pwfile"
        args+=(--auth-host=scram-sha-256 --pwfile="$pwfile")
    else
        args+=(--auth-host=trust)
    fi
    pg_as_owner "$PG_BIN/initdb" "${args[@]}" >"$dir.initdb.log" 2>&1 || {
        cat "$dir.initdb.log" >&2
        die "initdb failed"
    }
    pg_as_owner sh -c "cat >> '$dir/postgresql.conf'" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
max_connections = 200
shared_buffers = 256MB
CONF
}

# pg_start DATADIR LOGFILE [extra postgres options]
pg_start() {
    local dir=$1 logfile=$2
    shift 2
    if [ "$(id -u)" -eq 0 ]; then
        touch "$logfile"
        chown postgres:postgres "$logfile"
    fi
    pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -l "$logfile" -o "$*" -w -t 60 start >/dev/null ||
        { tail -20 "$logfile" >&2; die "PostgreSQL did not start (log: $logfile)"; }
}

pg_stop() {
    local dir=$1
    [ -f "$dir/postmaster.pid" ] || return 0
    pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

# A free TCP port on 127.0.0.1, from the kernel.
free_port() {
    node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})" 2>/dev/null ||
        echo $((20000 + RANDOM % 20000))
}

random_secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
