package dev.foyer.pass;

import dev.foyer.common.ApiError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class QueueTokensTest {

  private static final long NOW = 1_800_000_000L;
  private final QueueTokens tokens = new QueueTokens("a-secret-of-sixteen+", 3600);

  @Test
  void aTokenProvesItsVisitorForItsEvent() {
    String token = tokens.issue("gig", "visitor-1", NOW);
    QueueTokens.Claims claims = tokens.verify(token, "gig", NOW + 10);
    assertEquals("visitor-1", claims.visitor());
    assertEquals(NOW + 3600, claims.expiresAt());
  }

  @Test
  void aTokenForAnotherEventIsRefused() {
    assertEquals("invalid_token", refused(tokens.issue("gig", "v", NOW), "other-gig", NOW).code());
  }

  @Test
  void anExpiredTokenIsRefused() {
    assertEquals("invalid_token", refused(tokens.issue("gig", "v", NOW), "gig", NOW + 3600).code());
  }

  @Test
  void anAlteredTokenIsRefused() {
    String token = tokens.issue("gig", "alice", NOW);
    assertEquals("invalid_token", refused(token.replace("alice", "bob"), "gig", NOW).code());
    String longer = token.replace("." + (NOW + 3600) + ".", "." + (NOW + 999_999) + ".");
    assertEquals("invalid_token", refused(longer, "gig", NOW).code());
  }

  @Test
  void aTokenSignedWithAnotherSecretIsRefused() {
    String foreign = new QueueTokens("some-other-secret-16", 3600).issue("gig", "v", NOW);
    assertEquals("invalid_token", refused(foreign, "gig", NOW).code());
  }

  @Test
  void aMissingTokenIsItsOwnError() {
    assertEquals("missing_token", refused(null, "gig", NOW).code());
    assertEquals(401, refused("", "gig", NOW).status());
  }

  @Test
  void visitorIdsAreRandom() {
    assertNotEquals(QueueTokens.newVisitorId(), QueueTokens.newVisitorId());
    assertEquals(22, QueueTokens.newVisitorId().length());
  }

  private ApiError refused(String token, String event, long now) {
    return assertThrows(ApiError.class, () -> tokens.verify(token, event, now));
  }
}
