package dev.vserve;

/** The request is malformed (bad JSON, wrong shape, missing parameter): HTTP 400. */
public class BadRequestException extends ServeException {
  public BadRequestException(String message) {
    super(400, "BadRequest", message);
  }
}
