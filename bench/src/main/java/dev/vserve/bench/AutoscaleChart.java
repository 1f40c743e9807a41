package dev.vserve.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The autoscale run as a PNG (Java2D, headless): replicas and clients above, p50/p99 latency below, the load step shaded. */
final class AutoscaleChart {
  private static final int W = 900;
  private static final int H = 560;
  private static final int LEFT = 70;
  private static final int RIGHT = 30;

  private AutoscaleChart() {}

  static void draw(List<AutoscaleBench.Second> s, int stepUp, int stepDown, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int n = s.size();
    double maxCount = Math.max(16, s.stream().mapToInt(x -> Math.max(x.replicas(), x.clients())).max().orElse(1));
    double maxLat = Math.max(1, s.stream().mapToDouble(AutoscaleBench.Second::p99).max().orElse(1));
    panel(g, 40, 250, "replicas (blue) and clients (grey)", n, maxCount, stepUp, stepDown);
    line(g, s, 40, 250, n, maxCount, AutoscaleBench.Second::clients, Color.GRAY);
    line(g, s, 40, 250, n, maxCount, AutoscaleBench.Second::replicas, new Color(30, 90, 200));
    panel(g, 320, 200, "latency ms: p50 (green), p99 (red)", n, maxLat, stepUp, stepDown);
    line(g, s, 320, 200, n, maxLat, AutoscaleBench.Second::p50, new Color(20, 150, 60));
    line(g, s, 320, 200, n, maxLat, AutoscaleBench.Second::p99, new Color(200, 40, 40));
    g.setColor(Color.DARK_GRAY);
    g.drawString("seconds", W / 2, H - 8);
    g.dispose();
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
  }

  private static int x(int t, int n) {
    return LEFT + (int) ((W - LEFT - RIGHT) * (t - 1) / (double) Math.max(1, n - 1));
  }

  private static void panel(Graphics2D g, int top, int height, String title, int n, double max, int stepUp, int stepDown) {
    g.setColor(new Color(255, 240, 220));
    g.fillRect(x(stepUp + 1, n), top, x(stepDown + 1, n) - x(stepUp + 1, n), height);
    g.setColor(Color.LIGHT_GRAY);
    for (int i = 0; i <= 4; i++) {
      int y = top + height - height * i / 4;
      g.drawLine(LEFT, y, W - RIGHT, y);
      g.drawString(String.format("%.0f", max * i / 4), 10, y + 4);
    }
    for (int t = 10; t <= n; t += 10) g.drawString(String.valueOf(t), x(t, n) - 6, top + height + 14);
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, top, W - LEFT - RIGHT, height);
    g.drawString(title, LEFT, top - 6);
  }

  private static void line(Graphics2D g, List<AutoscaleBench.Second> s, int top, int height, int n, double max,
                           ToDoubleFunction<AutoscaleBench.Second> f, Color c) {
    g.setColor(c);
    g.setStroke(new BasicStroke(2f));
    for (int i = 1; i < s.size(); i++) {
      int y0 = top + height - (int) (height * f.applyAsDouble(s.get(i - 1)) / max);
      int y1 = top + height - (int) (height * f.applyAsDouble(s.get(i)) / max);
      g.drawLine(x(i, n), y0, x(i + 1, n), y1);
    }
    g.setStroke(new BasicStroke(1f));
  }
}
