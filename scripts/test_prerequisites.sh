#!/usr/bin/env bash
# What `make test` needs beyond Python, venv and make, installed or started here when it can be (as root, with apt),
# or else a stop at once with the exact command to run.
#
#   scripts/test_prerequisites.sh build      the MariaDB client headers, pkg-config and a C compiler: mysqlclient
#                                            (requirements/test.txt) is compiled against them
#   scripts/test_prerequisites.sh services   Chromium for the browser tests, MariaDB at 127.0.0.1:3306 (root, no
#                                            password) and Redis at 127.0.0.1:6379, installed and started
#
# `make demo` needs none of this (requirements/demo.txt compiles nothing).
set -euo pipefail

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
is_root() { [ "$(id -u)" = "0" ]; }

stop_with() {  # stop_with WHAT COMMAND
  echo >&2
  echo "!!! make test needs $1, and cannot install it without root." >&2
  echo "!!! Run, then make test again:" >&2
  echo >&2
  echo "    $2" >&2
  echo >&2
  exit 1
}

apt_install() {  # apt_install WHAT PACKAGE...
  local what=$1; shift
  if ! is_root || ! command -v apt-get >/dev/null; then
    stop_with "$what" "sudo apt-get install -y $*"
  fi
  echo "installing system packages for $what: $*"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

build() {
  local missing=()
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  if ! { command -v pkg-config >/dev/null && pkg-config --exists mariadb 2>/dev/null; } \
     && ! [ -f /usr/include/mariadb/mysql.h ] && ! [ -f /usr/include/mysql/mysql.h ]; then
    missing+=(libmariadb-dev)
  fi
  command -v cc >/dev/null || missing+=(gcc)
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "the MariaDB client headers to build mysqlclient" "${missing[@]}"
  fi
}

services() {
  local missing=() fresh_mariadb=0
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/sbin/mariadbd ] || { missing+=(mariadb-server); fresh_mariadb=1; }
  command -v redis-server >/dev/null || missing+=(redis-server)
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "the browser, database and broker of the suite" "${missing[@]}"
  fi

  if ! up 3306; then
    is_root || stop_with "MariaDB running at 127.0.0.1:3306" "sudo service mariadb start"
    echo "starting MariaDB"
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
    for _ in $(seq 60); do up 3306 && break; sleep 1; done
    up 3306 || { echo "!!! MariaDB did not start" >&2; exit 1; }
    if [ "$fresh_mariadb" = 1 ]; then
      # A fresh Debian MariaDB lets root in only through the unix socket; the suite connects over TCP, no password.
      mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('')"
    fi
  fi
  if ! up 6379; then
    is_root || stop_with "Redis running at 127.0.0.1:6379" "sudo service redis-server start"
    echo "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 30); do up 6379 && break; sleep 1; done
    up 6379 || { echo "!!! Redis did not start" >&2; exit 1; }
  fi
}

case "${1:-}" in
  build) build ;;
  services) services ;;
  *) echo "usage: $0 build|services" >&2; exit 2 ;;
esac
