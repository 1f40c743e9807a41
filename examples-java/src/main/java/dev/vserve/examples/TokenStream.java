package dev.vserve.examples;

import dev.vserve.Application;
import dev.vserve.BadRequestException;
import dev.vserve.Deployment;
import dev.vserve.Get;
import dev.vserve.Param;
import dev.vserve.Serve;
import dev.vserve.StreamingResponse;
import dev.vserve.djl.DjlModel;
import dev.vserve.examples.mnist.MnistData;
import dev.vserve.examples.mnist.MnistNet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Token-by-token output, as an LLM streams it: {@code GET /?prompt=…&n=…} sends {@code n} Server-Sent
 * Events, each one step of a real model (the MNIST classifier reading the next held-out digit,
 * chosen by the prompt), after {@code delay_ms} of "decoding".
 */
@Deployment
public class TokenStream implements AutoCloseable {
  static final int MAX_TOKENS = 10_000;

  private final DjlModel model;
  private final MnistData digits;

  public TokenStream() {
    model = DjlModel.load(MnistService.defaultModelDir(), "mnist", MnistNet.block());
    try {
      digits = MnistData.load();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the MNIST digits", e);
    }
  }

  @Get("/")
  public StreamingResponse generate(@Param(value = "prompt", defaultValue = "") String prompt,
                                    @Param(value = "n", defaultValue = "8") int n,
                                    @Param(value = "delay_ms", defaultValue = "20") long delayMs) {
    if (n < 0 || n > MAX_TOKENS) throw new BadRequestException("n must be between 0 and " + MAX_TOKENS + ", got " + n);
    if (delayMs < 0 || delayMs > 10_000) throw new BadRequestException("delay_ms must be between 0 and 10000, got " + delayMs);
    int start = Math.floorMod(prompt.hashCode(), digits.testCount());
    Stream<Map<String, Object>> tokens = IntStream.range(0, n).mapToObj(i -> step(i, digits.trainCount + (start + i) % digits.testCount(), delayMs));
    return StreamingResponse.of(tokens, "text/event-stream");
  }

  /** One decoding step: wait, then let the model read one digit. */
  private Map<String, Object> step(int index, int digit, long delayMs) {
    if (delayMs > 0) {
      try {
        Thread.sleep(delayMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("cancelled", e);
      }
    }
    float[] pixels = new float[784];
    float[][] img = digits.image(digit);
    for (int r = 0; r < 28; r++) System.arraycopy(img[r], 0, pixels, r * 28, 28);
    MnistNet.normalise(pixels, pixels);
    int predicted = MnistService.argMax(model.predict(pixels, 1, 1, 28, 28)[0]);
    Map<String, Object> token = new LinkedHashMap<>();
    token.put("index", index);
    token.put("token", String.valueOf(predicted));
    token.put("label", digits.label(digit));
    return token;
  }

  @Override
  public void close() {
    model.close();
  }

  public static final Application app = Serve.deployment(TokenStream.class).bind();
}
