package dev.foyer.queue;

/** Which nodes run an event's admission ticks. */
public enum Ticking {
  /** Production: the node holding the event's cluster lock, so one decision and one progress per tick. */
  ONE_NODE_PER_EVENT,
  /**
   * Every node, at once, without the lock: only for tests that prove the scripts alone keep capacity
   * and gate decisions right when nodes race. Progress is then not broadcast (it would be doubled).
   */
  EVERY_NODE
}
