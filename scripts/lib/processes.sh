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
