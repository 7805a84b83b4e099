"""Runs wharf on a pty, then closes the terminal under it, as closing its window does,
and prints how wharf ended: "exit status N" or "killed by signal N".

Usage: close_the_terminal.py DIR WHARF [ARGS...]
  DIR/keys, when it appears, holds keys to type (the file is then removed);
  DIR/close, when it appears, closes the terminal. Everything wharf writes goes to
  DIR/screen (raw), so the test can wait for what it needs.
Used by tests/terminal_e2e.rs and tests/e2e_daemon.rs.
"""
import os, pty, sys, time, select, struct, fcntl, termios

directory, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    # A window of 100x30.
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    os.execv(argv[0], argv)

def path(name):
    return os.path.join(directory, name)

screen = open(path("screen"), "ab")
deadline = time.time() + 120
while not os.path.exists(path("close")):
    if time.time() > deadline:
        os.kill(pid, 9)
        print("the test never closed the terminal")
        sys.exit(1)
    if os.path.exists(path("keys")):
        with open(path("keys"), "rb") as f:
            keys = f.read()
        os.remove(path("keys"))
        os.write(fd, keys)
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            screen.write(os.read(fd, 65536))
            screen.flush()
        except OSError:
            break
# The terminal goes away: the kernel hangs it up (SIGHUP to wharf, EIO on its reads
# and writes).
os.close(fd)
deadline = time.time() + 20
while True:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    if time.time() > deadline:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        print("still running 20 s after its terminal closed")
        sys.exit(1)
    time.sleep(0.05)
if os.WIFSIGNALED(status):
    print("killed by signal", os.WTERMSIG(status))
else:
    print("exit status", os.WEXITSTATUS(status))
