package dev.foyer.support;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One failover under a sale, in figures: printed as System.out lines (bench/README.md quotes them)
 * and checked against what must hold whatever the replication lost.
 *
 * @param label              "Sentinel failover", "Cluster failover"
 * @param announced          what marks the failover ("+switch-master", "the replica's ROLE says master")
 * @param unreplicatedBefore writes answered without a replica's copy before the kill (the metric)
 */
public record FailoverRun(String label, int waitReplicas, String announced, SaleUnderLoad sale,
                          SaleUnderLoad.Shape shape, SaleAudit audit, List<String> lost, long startedAt,
                          long killedAt, long failedOverAt, long stoppedAt, long unreplicatedBefore,
                          String loadBefore, String loadAfter) {

  /** The target: service back within this after the failover is announced. */
  public static final long RESUME_TARGET_MILLIS = 15_000;

  public long firstJoin() {
    return sale.firstJoinAnsweredAfter(killedAt);
  }

  public void print() {
    long[] latencies = sale.joinLatencies(startedAt, killedAt);
    System.out.printf("%s (WAIT for %d replica(s)): master killed; %s %d ms later; first join answered 201 "
            + "%d ms after that (%d ms after the kill)%n",
        label, waitReplicas, announced, failedOverAt - killedAt, firstJoin() - failedOverAt, firstJoin() - killedAt);
    System.out.printf("%s: %d joins answered 201 in %.1f s (%d answered 503 during the failover), join round trip "
            + "before the kill p50 %d ms, p99 %d ms; lost afterwards: %d %s; writes answered unreplicated before "
            + "the kill: %d%n",
        label, sale.joinsAnswered201(), (stoppedAt - startedAt) / 1000.0, sale.joins503(),
        SaleUnderLoad.percentile(latencies, 0.5), SaleUnderLoad.percentile(latencies, 0.99), lost.size(),
        lost.isEmpty() ? "" : lost.subList(0, Math.min(5, lost.size())), unreplicatedBefore);
    System.out.printf("%s: %d admitted (%d after the failover), admitted twice: %d; active at most %d of maxActive "
            + "%d (%d samples), passes valid at once at most %d; %d holds, %d sales (%d after the failover), %d left; "
            + "%d asks for sold seats, %d refused; sold or held twice: %d; holds lost: %d; PostgreSQL %d rows, %d "
            + "seats twice, %d answered sales it lacks, %d reservation ids differ; Redis: %d sold seats it lacks, "
            + "%d held inconsistently; load average %s before, %s after%n",
        label, sale.admissionsSeen(), sale.admissionsNoticedAfter(failedOverAt), sale.admittedTwice(),
        sale.maxActiveSampled(), shape.maxActive(), sale.activeSamples(), sale.mostPassesAtOnce(), sale.holds(),
        sale.confirmations(), sale.confirmationsAfter(failedOverAt), sale.leaves(), sale.probes(),
        sale.probesRefused(), sale.soldTwice().size(), sale.holdsLost(), audit.rows, audit.seatsSoldTwiceInPostgres,
        audit.answeredButNotInPostgres, audit.reservationIdDiffers, audit.soldInPostgresNotInRedis,
        audit.heldInconsistently, loadBefore, loadAfter);
  }

  /**
   * What must hold whatever replication lost: only 2xx, expected refusals and 503s; service back in
   * time; never over capacity; no seat held or sold twice. Losses are figures, except that with
   * WAIT a lost join must be one of the writes answered without a replica.
   */
  public void check() {
    assertEquals(List.of(), sale.unexpected(), "every answer was 2xx, an expected refusal, or 503 during the failover");
    assertTrue(firstJoin() - failedOverAt < RESUME_TARGET_MILLIS,
        "joins resumed within 15 s of the failover: " + (firstJoin() - failedOverAt) + " ms");
    assertTrue(sale.maxActiveSampled() <= shape.maxActive(), "never over capacity: " + sale.maxActiveSampled());
    assertTrue(sale.mostPassesAtOnce() <= shape.maxActive(),
        "never more valid passes than capacity: " + sale.mostPassesAtOnce());
    assertEquals(List.of(), sale.soldTwice(), "no seat held or sold twice");
    assertEquals(0, audit.seatsSoldTwiceInPostgres + audit.answeredButNotInPostgres, audit.details.toString());
    assertEquals(0, audit.heldInconsistently, audit.details.toString());
    assertTrue(sale.probes() > 0 && sale.probesRefused() == sale.probes(),
        "every ask for a sold seat was refused: " + sale.probesRefused() + " of " + sale.probes());
    if (waitReplicas > 0) {
      assertTrue(lost.size() <= unreplicatedBefore, "joins lost beyond the writes answered unreplicated: " + lost);
      assertTrue(sale.admittedTwice() <= unreplicatedBefore, "admissions forgotten and made again: " + sale.admittedTwice());
    }
  }
}
