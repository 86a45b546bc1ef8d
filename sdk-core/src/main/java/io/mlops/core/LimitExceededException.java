package io.mlops.core;

import java.util.Optional;

/**
 * A backend's answer went past one of the bounds the SDK keeps against broken or hostile servers, and was
 * abandoned at that point: a JSON answer larger than {@link MlopsSetting#HTTP_MAX_RESPONSE_SIZE}, a file
 * downloaded from a server longer than its listing announced (or than
 * {@link MlopsSetting#ARTIFACT_MAX_DOWNLOAD_SIZE} when the listing gave no size), an artifact tree deeper, with
 * longer paths or with more entries than its limits. Nothing partial is kept: a download stops at the first byte
 * over the bound and leaves no file.
 *
 * <p>{@link #limit()} is the bound that was reached and {@link #setting()} the setting that changes it, when one
 * does (a size announced by the listing is the server's own word, not a setting). Retrying rarely helps.
 */
public class LimitExceededException extends SerializationException {
  private static final long serialVersionUID = 1L;

  private final long limit;
  private final MlopsSetting setting;

  /**
   * An exception for a bound that was reached.
   *
   * @param message the full explanation, naming the bound and its value
   * @param limit the bound
   * @param setting the setting that changes the bound, or null when none does
   */
  public LimitExceededException(String message, long limit, MlopsSetting setting) {
    super(message);
    this.limit = limit;
    this.setting = setting;
  }

  /** The bound that was reached (bytes, levels, characters or entries, as the message says). */
  public long limit() {
    return limit;
  }

  /** The setting that changes the bound, if one does. */
  public Optional<MlopsSetting> setting() {
    return Optional.ofNullable(setting);
  }
}
