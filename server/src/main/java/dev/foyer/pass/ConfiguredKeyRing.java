package dev.foyer.pass;

import dev.foyer.FoyerConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The ring an operator configures ({@code FOYER_PASS_KEY} or {@code FOYER_PASS_KEY_FILE}, optionally
 * with {@code FOYER_PASS_KEY_PREVIOUS}/{@code _FILE}): exactly those keys, and rotation is theirs
 * (new key as current, old one as previous, restart). Blocking: files may sit on a slow mount.
 */
final class ConfiguredKeyRing {

  private static final int MAX_KEY_FILE_BYTES = 64 * 1024;

  private ConfiguredKeyRing() {
  }

  static boolean present(FoyerConfig config) {
    return config.passKeys().pem() != null || config.passKeys().file() != null
        || config.passKeys().previousPem() != null || config.passKeys().previousFile() != null;
  }

  static PassKeyRing read(FoyerConfig config) {
    PassKey current = key("passKey", "passKeyFile", config.passKeys().pem(), config.passKeys().file());
    PassKey previous = key("passKeyPrevious", "passKeyPreviousFile", config.passKeys().previousPem(),
        config.passKeys().previousFile());
    if (current == null) {
      throw new PassKeyException(FoyerConfig.variableName("passKeyPrevious") + " (or _FILE) is set without "
          + FoyerConfig.variableName("passKey") + " or " + FoyerConfig.variableName("passKeyFile")
          + ": configure the key that signs now as well");
    }
    return new PassKeyRing(current, previous);
  }

  private static PassKey key(String pemKey, String fileKey, String pem, String file) {
    String pemVariable = FoyerConfig.variableName(pemKey);
    String fileVariable = FoyerConfig.variableName(fileKey);
    if (pem != null && file != null) {
      throw new PassKeyException("set " + pemVariable + " or " + fileVariable + ", not both");
    }
    if (pem != null) {
      return PassKey.fromPem(pem, pemVariable);
    }
    if (file != null) {
      return PassKey.fromPem(readKeyFile(fileVariable, file), fileVariable + " (" + file + ")");
    }
    return null;
  }

  private static String readKeyFile(String variable, String file) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      // bounded: a path mistyped as /dev/zero or a log file must not hang or fill the heap
      bytes = in.readNBytes(MAX_KEY_FILE_BYTES + 1);
    } catch (InvalidPathException e) {
      throw new PassKeyException(variable + " is not a valid path: " + e.getMessage());
    } catch (NoSuchFileException e) {
      throw new PassKeyException(variable + " names " + file + ", which does not exist");
    } catch (AccessDeniedException e) {
      throw new PassKeyException(variable + " names " + file + ", which this process may not read (permission denied)");
    } catch (IOException e) {
      throw new PassKeyException("cannot read " + variable + " " + file + ": " + e.getMessage());
    }
    if (bytes.length > MAX_KEY_FILE_BYTES) {
      throw new PassKeyException(variable + " names " + file + ", which is far too large to be a PEM key");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new PassKeyException(variable + " names " + file + ", which is not a PEM text file (a DER key converts "
          + "with: openssl pkey -inform DER -in key.der -out key.pem)");
    }
  }
}
