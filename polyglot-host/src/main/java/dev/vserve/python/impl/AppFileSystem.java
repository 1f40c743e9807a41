package dev.vserve.python.impl;

import org.graalvm.polyglot.io.FileSystem;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.Map;
import java.util.Set;

/**
 * What a Python replica may see of the disk: read-only, under its application's directory. Paths are
 * checked after symbolic links are resolved (a link inside the folder that points out of it is
 * refused; one that stays inside works). Refusals are {@link AccessDeniedException}s, which Python
 * sees as a catchable {@code PermissionError}. GraalPy reads its own standard library from its
 * internal resources, not through here.
 */
final class AppFileSystem implements FileSystem {
  private final FileSystem disk = FileSystem.newDefaultFileSystem();
  private final Path root;

  AppFileSystem(Path root) {
    Path abs = root.toAbsolutePath().normalize();
    Path real;
    try {
      real = abs.toRealPath();
    } catch (IOException e) {
      real = abs;
    }
    this.root = real;
  }

  /** The real location of {@code p}, if it lies under the root; links are followed before the check. */
  Path allowed(Path p) throws IOException {
    Path abs = disk.toAbsolutePath(p).normalize();
    Path real = realPath(abs);
    if (!real.startsWith(root)) {
      throw new AccessDeniedException(abs.toString(), null,
          "vserve sandbox: Python code may read only under " + root + (real.equals(abs) ? "" : " (a link leads to " + real + ")"));
    }
    return real;
  }

  /** Follows links on the part of the path that exists; a missing tail is kept as written. */
  private static Path realPath(Path abs) {
    Path existing = abs;
    Path tail = null;
    while (existing != null) {
      try {
        Path real = existing.toRealPath();
        return tail == null ? real : real.resolve(tail).normalize();
      } catch (IOException e) {
        Path name = existing.getFileName();
        if (name == null) return abs;
        tail = tail == null ? name : name.resolve(tail);
        existing = existing.getParent();
      }
    }
    return abs;
  }

  private static AccessDeniedException readOnly(Path p) {
    return new AccessDeniedException(String.valueOf(p), null, "vserve sandbox: Python code may not write files");
  }

  @Override public Path parsePath(URI uri) { return disk.parsePath(uri); }
  @Override public Path parsePath(String path) { return disk.parsePath(path); }

  @Override
  public void checkAccess(Path path, Set<? extends AccessMode> modes, LinkOption... linkOptions) throws IOException {
    if (modes.contains(AccessMode.WRITE)) throw readOnly(path);
    disk.checkAccess(allowed(path), modes, linkOptions);
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    throw readOnly(dir);
  }

  @Override
  public void delete(Path path) throws IOException {
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
    Path real = allowed(path);
    if (!Files.exists(real)) throw new NoSuchFileException(path.toString());
    return real;
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
    return disk.readAttributes(allowed(path), attributes, options);
  }

  /** The working directory is the process's: no context may move it. */
  @Override
  public void setCurrentWorkingDirectory(Path dir) {
    throw new UnsupportedOperationException("vserve sandbox: Python code may not change the working directory");
  }

  @Override
  public void createLink(Path link, Path existing) throws IOException {
    throw readOnly(link);
  }

  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
    throw readOnly(link);
  }

  @Override
  public void copy(Path source, Path target, java.nio.file.CopyOption... options) throws IOException {
    throw readOnly(target);
  }

  @Override
  public void move(Path source, Path target, java.nio.file.CopyOption... options) throws IOException {
    throw readOnly(target);
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
    throw readOnly(path);
  }

  @Override
  public Path readSymbolicLink(Path link) throws IOException {
    return disk.readSymbolicLink(allowed(link.getParent() == null ? link : link.getParent()).resolve(link.getFileName()));
  }
}
