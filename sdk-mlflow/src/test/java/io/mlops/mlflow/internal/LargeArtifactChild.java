package io.mlops.mlflow.internal;

import io.mlops.core.CandidateInfo;
import io.mlops.core.MlopsConfig;
import io.mlops.core.NewCandidate;
import io.mlops.core.TrackingClient;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;

/**
 * Runs in a JVM with a small heap: uploads a large (sparse) file through the artifact proxy, downloads it again
 * and checks size and SHA-256 by streaming. Args: serverUrl workDir sizeBytes. Exit code 0 when all matched.
 */
public final class LargeArtifactChild {
  private LargeArtifactChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Paths.get(args[1]);
    long size = Long.parseLong(args[2]);
    Path file = dir.resolve("big.bin");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(size); // sparse: cheap to create, still read byte by byte by the upload
      for (long pos = 0; pos < size; pos += 256L << 20) {
        raf.seek(pos);
        raf.writeLong(pos ^ 0x5DEECE66DL); // content that a truncated or shifted copy would not match
      }
    }
    try (TrackingClient client = TrackingClient.create(MlopsConfig.builder().trackingUri(args[0]).build())) {
      String exp = client.getOrCreateExperiment("large-artifacts").id();
      CandidateInfo c = client.createCandidate(NewCandidate.builder().experimentId(exp).name("big")
          .startTime(System.currentTimeMillis()).build());
      client.uploadArtifacts(c.id(), file, "model");
      Path back = client.downloadArtifacts(c.id(), "model/big.bin", dir.resolve("download"));
      if (Files.size(back) != size || !sha256(back).equals(sha256(file))) {
        System.err.println("MISMATCH " + Files.size(back) + " vs " + size);
        System.exit(2);
      }
      System.out.println("OK " + size + " max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MB");
    }
  }

  static String sha256(Path p) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    StringBuilder hex = new StringBuilder();
    for (byte b : md.digest()) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }
}
