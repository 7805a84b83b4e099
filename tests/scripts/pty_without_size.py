"""Runs wharf on a pty that reports a 0x0 size, presses q, and prints the exit status.

Used by tests/terminal_e2e.rs: a pty with no size at all must not make wharf panic.
"""
import os, pty, sys, time, struct, fcntl, termios, select
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "--host", "unix:///nonexistent.sock"])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 0, 0, 0, 0))
out=b""
end=time.time()+2
while time.time()<end:
    r,_,_=select.select([fd],[],[],0.1)
    if r:
        try: out+=os.read(fd, 65536)
        except OSError: break
os.write(fd, b"q")
time.sleep(0.5)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
res = os.waitpid(pid, os.WNOHANG)
if res[0] == 0:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    print("still running after q")
    sys.exit(1)
print("exit status", os.waitstatus_to_exitcode(res[1]))
