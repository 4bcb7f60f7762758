"""A local SMTP server that accepts every message and keeps none, for bench/mail.

Usage: smtp_sink.py PORT            serve until killed
       smtp_sink.py PORT COUNT      also time COUNT messages sent to it by a plain client over
                                    one connection, print "<seconds>" and exit (the baseline)
"""
import warnings

warnings.simplefilter("ignore", DeprecationWarning)

import asyncore  # noqa: E402  (Python 3.11's own SMTP server; no package to install)
import smtpd  # noqa: E402
import smtplib  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402


class Sink(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        return None


def main():
    port = int(sys.argv[1])
    Sink(("127.0.0.1", port), None, decode_data=False)
    if len(sys.argv) < 3:
        asyncore.loop()
        return
    count = int(sys.argv[2])
    threading.Thread(target=asyncore.loop, daemon=True).start()
    time.sleep(0.2)
    client = smtplib.SMTP("127.0.0.1", port)
    message = "Subject: Outbox benchmark\r\n\r\nA message.\r\n"
    start = time.perf_counter()
    for n in range(count):
        client.sendmail("bench@localhost", [f"reader{n}@bench.sitesync.test"], message)
    elapsed = time.perf_counter() - start
    client.quit()
    print(f"{elapsed:.3f}")


if __name__ == "__main__":
    main()
