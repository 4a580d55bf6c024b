package dev.foyer.ingress;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every page is served whole: the head all pages share (pages/head.html) stands once in each, at
 * the top, before the page's own title and stylesheets, and no include line is left for a browser.
 */
class PagesTest {

  @Test
  void everyPageStartsWithTheSharedHeadThenItsOwnTitle() {
    for (String name : Pages.NAMES) {
      String page = Pages.get(name).toString();
      assertTrue(page.startsWith("<!doctype html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n"), name);
      assertEquals(1, count(page, "<head>"), name);
      assertEquals(1, count(page, "<link rel=\"stylesheet\" href=\"/css/foyer.css\">"), name);
      assertTrue(page.indexOf("<title") > page.indexOf("/css/foyer.css") && page.indexOf("<title") < page.indexOf("</head>"),
          name);
      assertFalse(page.contains("#include"), name);
    }
  }

  @Test
  void anIncludeLineIsReplacedByItsPartAndTheRestIsKeptAsWritten() {
    String page = "<!--#include head-->\n  <title>t</title>\n</head>\n<body>x</body>\n";
    String assembled = Pages.assemble(page);
    assertTrue(assembled.startsWith("<!doctype html>\n"));
    assertTrue(assembled.endsWith("  <link rel=\"stylesheet\" href=\"/css/foyer.css\">\n  <title>t</title>\n</head>\n<body>x</body>\n"));
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
