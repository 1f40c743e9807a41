package dev.vserve;

/** Thrown by user code to answer with a given status, as FastAPI's {@code HTTPException}. */
public class HttpException extends ServeException {
  public HttpException(int status, String message) {
    super(status, "HTTPException", message);
  }
}
