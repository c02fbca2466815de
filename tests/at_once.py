"""Two copies of one request at the same moment (a double click, two admins at once)."""

import threading


def send_at_once(monkeypatch, module, name, sends):
    """Run each of `sends` in a thread of its own; each waits inside `module.name` until all are
    there, past the checks made before it, so that only what the code does to stop two copies
    (a row lock) keeps them apart. Returns the answers, in the order of `sends`."""
    return send_at_once_in(monkeypatch, [(module, name)], sends)


def send_at_once_in(monkeypatch, places, sends):
    """As send_at_once, for requests of different kinds (a judge's score and an admin's
    removal): each waits inside whichever of `places` (module, name) it reaches first."""
    all_in = threading.Barrier(len(sends), timeout=3)
    met = threading.local()

    def meeting(real):
        def meet(*args, **kwargs):
            if not getattr(met, "done", False):
                met.done = True
                try:
                    all_in.wait()
                except threading.BrokenBarrierError:
                    pass  # SQLite lets one writer in at a time: the first goes on alone
            return real(*args, **kwargs)

        return meet

    for module, name in places:
        monkeypatch.setattr(module, name, meeting(getattr(module, name)))
    answers = [None] * len(sends)

    def send(i):
        answers[i] = sends[i]()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(sends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return answers
