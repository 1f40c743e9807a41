package dev.vserve.python.impl;

import org.graalvm.polyglot.io.FileSystem;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.Map;
import java.util.Set;

/**
 * What a Python replica may see of the disk: read-only, under its application's directory. GraalPy
 * reads its own standard library from its internal resources, not through here.
 */
final class AppFileSystem implements FileSystem {
  private final FileSystem disk = FileSystem.newDefaultFileSystem();
  private final Path root;

  AppFileSystem(Path root) {
    this.root = root;
  }

  private Path allowed(Path p) {
    Path abs = disk.toAbsolutePath(p).normalize();
    if (!abs.startsWith(root)) {
      throw new SecurityException("Python code may read only under " + root + ", not " + abs);
    }
    return abs;
  }

  private static SecurityException readOnly(Path p) {
    return new SecurityException("Python code may not write files (" + p + ")");
  }

  @Override public Path parsePath(URI uri) { return disk.parsePath(uri); }
  @Override public Path parsePath(String path) { return disk.parsePath(path); }

  @Override
  public void checkAccess(Path path, Set<? extends AccessMode> modes, LinkOption... linkOptions) throws IOException {
    if (modes.contains(AccessMode.WRITE)) throw readOnly(path);
    disk.checkAccess(allowed(path), modes, linkOptions);
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) {
    throw readOnly(dir);
  }

  @Override
  public void delete(Path path) {
    throw readOnly(path);
  }

  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
      throws IOException {
    for (OpenOption o : options) {
      if (o != StandardOpenOption.READ && o != LinkOption.NOFOLLOW_LINKS) throw readOnly(path);
    }
    return disk.newByteChannel(allowed(path), options, attrs);
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
    return disk.newDirectoryStream(allowed(dir), filter);
  }

  @Override public Path toAbsolutePath(Path path) { return disk.toAbsolutePath(path); }

  @Override
  public Path toRealPath(Path path, LinkOption... linkOptions) throws IOException {
    return disk.toRealPath(allowed(path), linkOptions);
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
    return disk.readAttributes(allowed(path), attributes, options);
  }
}
