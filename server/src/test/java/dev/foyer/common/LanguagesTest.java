package dev.foyer.common;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The dictionaries agree: every language has every key of English, no key English lacks, and the
 * same placeholders in each text (a {name} lost in a translation would show a hole on the page).
 */
class LanguagesTest {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)\\}");

  private static Set<String> placeholders(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void everyLanguageHasEnglishsKeysAndPlaceholders() {
    JsonObject english = Languages.dictionary("en");
    for (String lang : Languages.SUPPORTED) {
      JsonObject other = Languages.dictionary(lang);
      assertEquals(new TreeSet<>(english.fieldNames()), new TreeSet<>(other.fieldNames()), lang + " keys");
      for (String key : english.fieldNames()) {
        assertEquals(placeholders(english.getString(key)), placeholders(other.getString(key)), lang + " " + key);
      }
    }
  }

  @Test
  void acceptLanguagePicksTheBestLanguageFoyerSpeaks() {
    Map<String, String> cases = Map.of(
        "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", "ko",
        "en-GB,ko;q=0.9", "en",
        "ja-JP,ko;q=0.8,en;q=0.5", "ko",
        "ja-JP", "en",
        "*", "en",
        "ko;q=0", "en",
        "", "en",
        "KO", "ko");
    cases.forEach((header, lang) -> assertEquals(lang, Languages.fromAcceptLanguage(header), header));
    assertEquals("매진", Languages.text("ko", "soldOut.heading"));
    assertEquals("Seat A-1 was just taken by someone else. Pick another.",
        Languages.text("en", "basket.taken.one", Map.of("seats", "A-1")));
  }
}
