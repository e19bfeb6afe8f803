"""The host queue that deals entries to workers, and the host gate it relies on.

The queue is driven by a hand-moved clock: what matters is which job comes out when, never how
long anything took.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from generator.checking.dispatch import HostQueue, Job
from generator.checking.hosts import HostGate
from generator.checking.workers import deal


class Clock:
    """Time that only moves when the test says so, and the pauses hosts are in."""

    def __init__(self) -> None:
        self.now = 100.0
        self.ready: dict[str, float] = {}

    def __call__(self) -> float:
        return self.now

    def ready_at(self, host: str) -> float:
        return self.ready.get(host, 0.0)


def job(slug: str, host: str) -> Job:
    return Job(slug, f"http://{host}/{slug}")


def taken(queue: HostQueue, count: int) -> list[str]:
    jobs = [queue.take() for _ in range(count)]
    return [found.slug for found in jobs if found is not None]


def in_thread(queue: HostQueue) -> tuple[threading.Thread, list[Job | None]]:
    got: list[Job | None] = []
    thread = threading.Thread(target=lambda: got.append(queue.take()), daemon=True)
    thread.start()
    return thread, got


@pytest.fixture
def clock() -> Iterator[Clock]:
    yield Clock()


def test_jobs_come_out_in_the_callers_order_when_every_host_is_ready(clock: Clock) -> None:
    jobs = [job("a1", "a.test"), job("b1", "b.test"), job("c1", "c.test")]
    queue = HostQueue(jobs, clock.ready_at, clock)
    assert taken(queue, 3) == ["a1", "b1", "c1"]
    assert queue.take() is None  # every job is out


def test_a_host_is_handed_out_once_at_a_time(clock: Clock) -> None:
    jobs = [job("a1", "a.test"), job("a2", "a.test"), job("b1", "b.test")]
    queue = HostQueue(jobs, clock.ready_at, clock)
    first = queue.take()
    assert first is not None and first.slug == "a1"
    # a2 comes before b1 in the order, but a.test is busy with a1.
    second = queue.take()
    assert second is not None and second.slug == "b1"
    thread, got = in_thread(queue)
    thread.join(0.3)
    assert thread.is_alive() and not got  # a2 waits for a1
    queue.done(first)
    thread.join(5)
    assert [found.slug for found in got if found] == ["a2"]


def test_a_host_in_its_pause_lets_a_ready_host_go_first(clock: Clock) -> None:
    jobs = [job("a1", "a.test"), job("b1", "b.test"), job("a2", "a.test"), job("b2", "b.test")]
    queue = HostQueue(jobs, clock.ready_at, clock)
    a1, b1 = queue.take(), queue.take()
    assert a1 is not None and b1 is not None
    clock.ready["a.test"] = clock.now + 5  # a.test's pause runs after a1
    queue.done(a1)
    queue.done(b1)
    b2 = queue.take()
    assert b2 is not None and b2.slug == "b2"


def test_a_worker_waits_out_the_pause_when_no_host_is_ready(clock: Clock) -> None:
    jobs = [job("a1", "a.test"), job("a2", "a.test")]
    queue = HostQueue(jobs, clock.ready_at, clock)
    a1 = queue.take()
    assert a1 is not None
    clock.ready["a.test"] = clock.now + 5
    queue.done(a1)
    thread, got = in_thread(queue)
    thread.join(0.3)
    assert thread.is_alive() and not got  # the clock has not reached the end of the pause
    clock.now += 5
    thread.join(5)
    assert [found.slug for found in got if found] == ["a2"]


def test_the_earliest_job_in_the_order_wins_among_ready_hosts(clock: Clock) -> None:
    # Least recently checked first: the caller put b's second job before a's.
    jobs = [job("a1", "a.test"), job("b1", "b.test"), job("b2", "b.test"), job("a2", "a.test")]
    queue = HostQueue(jobs, clock.ready_at, clock)
    a1, b1 = queue.take(), queue.take()
    assert a1 is not None and b1 is not None
    queue.done(a1)
    queue.done(b1)
    assert taken(queue, 2) == ["b2", "a2"]


def test_stop_releases_waiting_workers(clock: Clock) -> None:
    queue = HostQueue([job("a1", "a.test"), job("a2", "a.test")], clock.ready_at, clock)
    assert queue.take() is not None
    thread, got = in_thread(queue)
    queue.stop()
    thread.join(5)
    assert got == [None]


def test_a_jobs_host_is_its_lower_case_host_name() -> None:
    assert Job("x", "https://Forum.Example.TEST:8443/c/1").host == "forum.example.test"


def test_a_turn_on_a_given_up_host_sends_nothing_and_takes_none_of_its_time() -> None:
    gate = HostGate(delay=30.0, concurrency=1, give_up_after=1)
    with gate.turn("slow.test") as granted:
        assert granted
    after_request = gate.ready_at("slow.test")
    gate.record_timeout("slow.test")
    answers: list[bool] = []

    def take_a_turn() -> None:
        with gate.turn("slow.test") as granted:
            answers.append(granted)

    thread = threading.Thread(target=take_a_turn, daemon=True)
    thread.start()
    thread.join(5)
    assert answers == [False]  # at once, not after the host's 30 s pause
    assert gate.ready_at("slow.test") == after_request
    with gate.turn("fine.test") as granted:  # the only request slot was not kept
        assert granted


def test_hosts_are_dealt_whole_and_the_calling_process_gets_less() -> None:
    lanes = [[f"h{host}-{n}" for n in range(5)] for host in range(100)]
    shares = deal(lanes, 2)
    assert sorted(lane[0] for share in shares for lane in share) == sorted(
        lane[0] for lane in lanes
    )  # every host once, with all its entries
    caller, worker = (sum(len(lane) for lane in share) for share in shares)
    assert 0 < caller < worker
    assert shares[1] == [lane for lane in lanes if lane in shares[1]]  # the order is kept
