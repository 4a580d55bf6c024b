package dev.foyer.common;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Inlines a script's libraries ({@code --#include lib} lines, files under {@code lua/lib/}), keeping
 * only the library functions the script can reach. Redis runs a script's whole text on every call,
 * and each {@code function lib.name} in it makes a closure each time: a join that inlined all
 * three of its libraries spent more of its time defining functions it never called than writing.
 *
 * <p>A library file is read as top-level blocks: a function ({@code function lib.name(...)} or
 * {@code local function name(...)}, with the comment lines just above it, up to the first
 * {@code end} at the start of a line) or anything else (its tables and constants), which is always
 * kept. A function is kept when its name ({@code lib.name}, or the local's name followed by
 * {@code (}) appears in the script or in anything kept, until nothing more is reached.
 */
final class LuaLibraries {

  private static final String INCLUDE = "--#include ";
  private static final Pattern FUNCTION = Pattern.compile("^(local )?function ([A-Za-z_][\\w.]*)\\s*\\(");

  private LuaLibraries() {
  }

  /** The script with its includes inlined and pruned; {@code library} reads a library's text. */
  static String inline(String source, java.util.function.Function<String, String> library) {
    List<Block> blocks = new ArrayList<>();
    StringBuilder own = new StringBuilder(source.length());
    for (String line : source.split("\n", -1)) {
      if (line.startsWith(INCLUDE)) {
        blocks.add(Block.text(own.toString()));
        own.setLength(0);
        blocks.addAll(blocksOf(library.apply(line.substring(INCLUDE.length()).trim())));
      } else {
        own.append(line).append('\n');
      }
    }
    blocks.add(Block.text(own.toString()));
    reach(blocks);
    StringBuilder out = new StringBuilder(source.length() * 2);
    for (Block block : blocks) {
      if (block.kept) {
        out.append(block.text);
      }
    }
    return out.toString();
  }

  private static void reach(List<Block> blocks) {
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Block candidate : blocks) {
        if (candidate.kept) {
          continue;
        }
        for (Block kept : blocks) {
          if (kept.kept && candidate.calledFrom(kept)) {
            candidate.kept = true;
            grew = true;
            break;
          }
        }
      }
    }
  }

  static List<Block> blocksOf(String library) {
    List<Block> blocks = new ArrayList<>();
    String[] lines = library.split("\n", -1);
    StringBuilder text = new StringBuilder();
    StringBuilder comments = new StringBuilder();
    int i = 0;
    while (i < lines.length) {
      String line = lines[i];
      Matcher function = FUNCTION.matcher(line);
      if (function.find()) {
        blocks.add(Block.text(text.toString()));
        text.setLength(0);
        StringBuilder body = new StringBuilder(comments);
        comments.setLength(0);
        while (i < lines.length) {
          body.append(lines[i]).append('\n');
          if (lines[i].startsWith("end")) {
            break;
          }
          i++;
        }
        if (i == lines.length) {
          throw new IllegalStateException("a library function has no 'end' at the start of a line: " + line);
        }
        blocks.add(Block.function(function.group(2), function.group(1) != null, body.toString()));
      } else if (line.startsWith("--")) {
        comments.append(line).append('\n');
      } else {
        text.append(comments).append(line).append('\n');
        comments.setLength(0);
      }
      i++;
    }
    text.append(comments);
    blocks.add(Block.text(text.toString()));
    return blocks;
  }

  static final class Block {
    final String text;
    /** The text without its comments: a function named only in a comment is not used. */
    final String code;
    final Pattern use;
    boolean kept;

    private Block(String text, Pattern use, boolean kept) {
      this.text = text;
      this.code = COMMENT.matcher(text).replaceAll("");
      this.use = use;
      this.kept = kept;
    }

    private static final Pattern COMMENT = Pattern.compile("--[^\n]*");

    static Block text(String text) {
      return new Block(text, null, true);
    }

    static Block function(String name, boolean local, String text) {
      String quoted = Pattern.quote(name);
      return new Block(text, Pattern.compile("(?<![\\w.])" + quoted + (local ? "\\s*\\(" : "(?!\\w)")), false);
    }

    boolean calledFrom(Block other) {
      return other != this && use.matcher(other.code).find();
    }
  }
}
