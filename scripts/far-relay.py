#!/usr/bin/env python3
"""Carry one call between stdin/stdout and a unix socket: far-relay.py PATH

The exec command of check-serial.sh's USB modem (modemsim --data exec):
it connects the modem's call to PATH, the VM's PCI UART, where the far
pppd runs. It buffers without bound in both directions, where socat
would block: the far UART and the USB adapter are the same qemu process,
whose usb-serial writes each packet out whole (blocking its main loop),
so a relay that stopped reading the modem once the UART fell behind
would stop the modem reading the adapter, qemu, and with it the UART:
a deadlock no real modem and far end could make. Ends when either side
does.
"""
import os
import select
import socket
import sys


def main():
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(sys.argv[1])
    sock.setblocking(False)
    for fd in (0, 1):
        os.set_blocking(fd, False)
    to_sock, to_out = bytearray(), bytearray()
    while True:
        wanted = ([sock] if to_sock else []) + ([1] if to_out else [])
        readable, writable, _ = select.select([0, sock], wanted, [])
        if 0 in readable:
            data = os.read(0, 65536)
            if not data:
                return
            to_sock += data
        if sock in readable:
            data = sock.recv(65536)
            if not data:
                return
            to_out += data
        if sock in writable:
            del to_sock[:sock.send(to_sock)]
        if 1 in writable:
            del to_out[:os.write(1, to_out)]


if __name__ == "__main__":
    main()
