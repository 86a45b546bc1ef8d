package io.mlops.all;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A child process of these tests (a JVM, {@code spark-submit}), run to its end within a bound, output captured. */
final class ChildProcess {
  /** The process's exit status. */
  final int exitCode;
  /** The command line, the exit status and everything the process wrote (stdout and stderr, in order). */
  final String output;

  private ChildProcess(int exitCode, String output) {
    this.exitCode = exitCode;
    this.output = output;
  }

  /**
   * Starts {@code pb} with no standard input, its output into {@code log}, and waits for its end.
   *
   * @throws AssertionError when it does not end within the timeout (it is then killed)
   */
  static ChildProcess run(ProcessBuilder pb, Path log, long timeoutSeconds) throws IOException, InterruptedException {
    Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    p.getOutputStream().close();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(String.join(" ", pb.command()) + "\ndid not finish in " + timeoutSeconds + " s:\n"
          + Files.readString(log, StandardCharsets.UTF_8));
    }
    return new ChildProcess(p.exitValue(), String.join(" ", pb.command()) + "\nexit " + p.exitValue() + "\n"
        + Files.readString(log, StandardCharsets.UTF_8));
  }
}
