package dev.vserve.python.impl;

/** Where the result of one piece of Python work goes (a call's reply, a stream's items). */
interface Outcome {
  /** Ends the work with {@code failure}; later results are ignored. */
  void abort(Throwable failure);
}
