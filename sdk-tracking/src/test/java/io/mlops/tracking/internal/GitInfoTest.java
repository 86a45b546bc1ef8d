package io.mlops.tracking.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitInfoTest {
  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  private static final String SHA2 = "fedcba9876543210fedcba9876543210fedcba98";
  @TempDir Path repo;

  private Path gitDir() throws Exception {
    Path git = Files.createDirectories(repo.resolve(".git"));
    Files.writeString(git.resolve("config"), "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://up.example/x.git\n"
        + "[remote \"origin\"]\n\turl = https://user:glpat-SECRET@gitlab.example.com/team/churn.git\n"
        + "\tfetch = +refs/heads/*:refs/remotes/origin/*\n");
    return git;
  }

  @Test
  void detect_readsBranchCommitFromLooseRefAndStripsCredentials() throws Exception {
    Path git = gitDir();
    Files.writeString(git.resolve("HEAD"), "ref: refs/heads/feature/x\n");
    Files.createDirectories(git.resolve("refs/heads/feature"));
    Files.writeString(git.resolve("refs/heads/feature/x"), SHA + "\n");
    Path sub = Files.createDirectories(repo.resolve("src/main"));
    GitInfo info = GitInfo.detect(sub).orElseThrow();
    assertThat(info.commit()).isEqualTo(SHA);
    assertThat(info.branch()).contains("feature/x");
    assertThat(info.repoUrl()).contains("https://gitlab.example.com/team/churn.git");
    assertThat(info.repoUrl().get()).doesNotContain("SECRET");
  }

  @Test
  void detect_readsPackedRefs() throws Exception {
    Path git = gitDir();
    Files.writeString(git.resolve("HEAD"), "ref: refs/heads/main\n");
    Files.writeString(git.resolve("packed-refs"), "# pack-refs with: peeled fully-peeled sorted\n"
        + SHA2 + " refs/heads/other\n" + SHA + " refs/heads/main\n^" + SHA2 + "\n");
    assertThat(GitInfo.detect(repo).orElseThrow().commit()).isEqualTo(SHA);
  }

  @Test
  void detect_detachedHeadHasCommitButNoBranch() throws Exception {
    Path git = gitDir();
    Files.writeString(git.resolve("HEAD"), SHA + "\n");
    GitInfo info = GitInfo.detect(repo).orElseThrow();
    assertThat(info.commit()).isEqualTo(SHA);
    assertThat(info.branch()).isEmpty();
  }

  @Test
  void detect_followsGitdirFileOfWorktreeWithCommondir() throws Exception {
    Path main = gitDir();
    Files.createDirectories(main.resolve("refs/heads"));
    Files.writeString(main.resolve("refs/heads/wt"), SHA2 + "\n");
    Path wtGit = Files.createDirectories(main.resolve("worktrees/wt"));
    Files.writeString(wtGit.resolve("HEAD"), "ref: refs/heads/wt\n");
    Files.writeString(wtGit.resolve("commondir"), "../..\n");
    Path worktree = Files.createDirectories(repo.resolveSibling(repo.getFileName() + "-wt"));
    Files.writeString(worktree.resolve(".git"), "gitdir: " + wtGit + "\n");
    GitInfo info = GitInfo.detect(worktree).orElseThrow();
    assertThat(info.commit()).isEqualTo(SHA2);
    assertThat(info.branch()).contains("wt");
    assertThat(info.repoUrl()).contains("https://gitlab.example.com/team/churn.git");
  }

  @Test
  void detect_emptyOutsideGitOrWithoutCommits() throws Exception {
    assertThat(GitInfo.detect(repo)).isEqualTo(Optional.empty());
    Path git = gitDir();
    Files.writeString(git.resolve("HEAD"), "ref: refs/heads/main\n");
    assertThat(GitInfo.detect(repo)).isEmpty();
  }

  @Test
  void stripCredentials_keepsScpStyleAndPlainUrls() {
    assertThat(GitInfo.stripCredentials("git@github.com:org/repo.git")).isEqualTo("git@github.com:org/repo.git");
    assertThat(GitInfo.stripCredentials("https://host/x.git")).isEqualTo("https://host/x.git");
    assertThat(GitInfo.stripCredentials("https://tok@host:8443/x.git")).isEqualTo("https://host:8443/x.git");
  }
}
