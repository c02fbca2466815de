"""Two copies of one request at the same moment (a double click, two admins at once)."""

import threading


def send_at_once(monkeypatch, module, name, sends):
    """Run each of `sends` in a thread of its own; each waits inside `module.name` until all are
    there, past the checks made before it, so that only what the code does to stop two copies
    (a row lock) keeps them apart. Returns the answers, in the order of `sends`."""
    all_in = threading.Barrier(len(sends), timeout=3)
    real = getattr(module, name)

    def meet(*args, **kwargs):
        try:
            all_in.wait()
        except threading.BrokenBarrierError:
            pass  # SQLite lets one writer in at a time: the first goes on alone
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, meet)
    answers = [None] * len(sends)

    def send(i):
        answers[i] = sends[i]()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(sends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return answers
