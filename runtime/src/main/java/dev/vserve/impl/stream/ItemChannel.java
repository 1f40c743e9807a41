package dev.vserve.impl.stream;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Items from a producer thread to a consumer on an event loop, bounded: the producer blocks while
 * {@code capacity} items wait (that is the flow control: a slow client slows the producer instead
 * of filling memory); the consumer never blocks and is woken when there is something to take.
 */
public final class ItemChannel {
  /** Thrown to the producer when the consumer went away. */
  public static final class Cancelled extends RuntimeException {
    Cancelled() {
      super("the consumer of the stream went away", null, false, false);
    }
  }

  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notFull = lock.newCondition();
  private final Condition notEmpty = lock.newCondition();
  private final ArrayDeque<Object> items = new ArrayDeque<>();
  private boolean ended;
  private Throwable error;
  private boolean cancelled;
  private Runnable waiting;  // the consumer's wake-up, set while it has nothing to take

  public ItemChannel(int capacity) {
    this.capacity = capacity;
  }

  /** Producer: adds an item, waiting while the channel is full. */
  public void put(Object item) throws InterruptedException {
    Runnable wake;
    lock.lock();
    try {
      while (items.size() >= capacity && !cancelled) notFull.await();
      if (cancelled) throw new Cancelled();
      items.addLast(item);
      notEmpty.signal();
      wake = takeWaiter();
    } finally {
      lock.unlock();
    }
    if (wake != null) wake.run();
  }

  /** Producer: no more items; {@code failure} (or null) says why. */
  public void finish(Throwable failure) {
    Runnable wake;
    lock.lock();
    try {
      ended = true;
      error = failure;
      notEmpty.signalAll();
      wake = takeWaiter();
    } finally {
      lock.unlock();
    }
    if (wake != null) wake.run();
  }

  /** Consumer: the next item, or null; when null, {@code whenReady} runs once something arrives. */
  public Object poll(Runnable whenReady) {
    lock.lock();
    try {
      Object item = items.pollFirst();
      if (item != null) {
        notFull.signal();
        return item;
      }
      if (!ended) waiting = whenReady;
      return null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Consumer: moves up to {@code max} waiting items into {@code out} under one lock (a writer
   * coalesces them into one network write); when there are none, {@code whenReady} runs once
   * something arrives. Returns how many were moved.
   */
  public int drainTo(java.util.List<Object> out, int max, Runnable whenReady) {
    lock.lock();
    try {
      int n = 0;
      for (Object item; n < max && (item = items.pollFirst()) != null; n++) out.add(item);
      if (n > 0) notFull.signalAll();
      else if (!ended) waiting = whenReady;
      return n;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Consumer on a thread that may block (a virtual thread forwarding the stream to another node):
   * waits for at least one item or the end, then moves up to {@code max} items into {@code out}.
   * Returns how many; 0 means the stream ended (or was cancelled).
   */
  public int take(java.util.List<Object> out, int max) throws InterruptedException {
    lock.lock();
    try {
      while (items.isEmpty() && !ended && !cancelled) notEmpty.await();
      int n = 0;
      for (Object item; n < max && (item = items.pollFirst()) != null; n++) out.add(item);
      if (n > 0) notFull.signalAll();
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Consumer: true once every item was taken and the producer finished. */
  public boolean isDone() {
    lock.lock();
    try {
      return ended && items.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  public Throwable error() {
    lock.lock();
    try {
      return error;
    } finally {
      lock.unlock();
    }
  }

  /** Consumer: stop; the producer's next (or current) put throws {@link Cancelled}. */
  public void cancel() {
    lock.lock();
    try {
      cancelled = true;
      items.clear();
      notFull.signalAll();
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private Runnable takeWaiter() {
    Runnable w = waiting;
    waiting = null;
    return w;
  }
}
