# Process checks shared by the test-bed scripts (sourced, not run).

# Is process $1 alive, i.e. exists and is no zombie? A SIGKILLed daemon can linger as
# a zombie until its parent reaps it: still in /proc, still named, kill -0 still
# succeeds, yet it serves nothing.
is_alive() {
    local stat
    [[ $1 =~ ^[0-9]+$ ]] || return 1
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    # The state letter follows the ")" that closes the command name.
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}

# Is process $1 alive and named $2? A stale pid file may name a pid that the kernel
# has since handed to something else, which must not be killed.
is_running_as() {
    local comm
    is_alive "$1" || return 1
    read -r comm 2>/dev/null <"/proc/$1/comm" || return 1
    [[ $comm == "$2" ]]
}

# Close every descriptor above 2 in this (sub)shell before it execs
# something long-lived. Callers hand down more than stdin/stdout/stderr (CI
# runners and test harnesses pass the write end of a pipe they wait on; the
# scripts' own locks are fd 9), and a daemon that inherits one keeps its
# reader waiting, or the next run waiting for the lock, long after we exit.
# (255 is bash's own handle on the script, closed on exec anyway.)
close_extra_fds() {
    local fd n
    for fd in /proc/$BASHPID/fd/*; do
        n=${fd##*/}
        if ((n > 2 && n != 255)); then
            eval "exec $n>&-"
        fi
    done
}

# start_detached LOG CMD...: start CMD as a daemon that outlives the script:
# its own session (no controlling terminal, no SIGHUP from ours),
# stdin/stdout/stderr away from ours (output appended to LOG), so a caller
# piping our output (`... | tee`) is not left waiting on a pipe the daemon
# holds, and no other inherited descriptor either. In a non-interactive script
# a background job is no process group leader, so setsid runs the command in
# place: $! is the daemon's own pid.
start_detached() {
    local log=$1
    shift
    (
        close_extra_fds
        exec setsid "$@" </dev/null >>"$log" 2>&1
    ) &
}

# start_daemon PIDFILE LOG CMD...: start_detached, and write its pid to PIDFILE.
start_daemon() {
    local pidfile=$1
    shift
    start_detached "$@"
    echo $! >"$pidfile"
}
