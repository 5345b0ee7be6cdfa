// Plain FTP uploads received on a thread of their own (transfer-thread.c): the data connection is
// read in 1 MiB pieces and each is written to the file at once, as vsftpd's and ProFTPD's
// per-session processes do. On the event loop the same upload cost up to twice the CPU: a wake-up
// per socket read, the writes handed to the thread pool, and the page-cache copy of each 1 MiB buffer
// made long after the socket copy filled it (BENCHMARKS.md).
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "transfer-thread.h"

// What one read takes at most, and the buffer the thread holds for it.
#define CHUNK_BYTES (1024 * 1024)
// poll() wakes the thread once this much has arrived (or the end, or an error), not per segment:
// a third less CPU per GiB here.
#define LOWAT_BYTES (256 * 1024)

// A reset that follows the last bytes reads as a plain end of file (the kernel returns 0 once the
// connection is done and leaves the error pending): without this, a truncated upload would commit.
static int reset_pending(int fd) {
  int err = 0;
  socklen_t size = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &size) == 0 && err != 0) return err;
  struct sockaddr_storage peer;
  socklen_t peer_size = sizeof peer;
  return getpeername(fd, (struct sockaddr*)&peer, &peer_size) == 0 ? 0 : ECONNRESET;
}

static int write_all(transfer_t* t, const char* data, size_t size) {
  for (size_t done = 0; done < size;) {
    ssize_t n = t->position < 0 ? write(t->file, data + done, size - done)
                                : pwrite(t->file, data + done, size - done, (off_t)(t->position + t->total + (int64_t)done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (n == 0) return -EIO;
    done += (size_t)n;
  }
  return 0;
}

static int receive_loop(transfer_t* t) {
  // Mapped, not malloc'ed: glibc would keep the freed block in this thread's arena for good.
  char* buffer = mmap(NULL, CHUNK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (buffer == MAP_FAILED) return -ENOMEM;
  int status = 0;
  int lowat = LOWAT_BYTES;
  setsockopt(t->socket, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof lowat);
  for (;;) {
    if (atomic_load(&t->cancel)) {
      status = -ECANCELED;
      break;
    }
    // The socket is non-blocking (Node set that on the shared file description): poll when empty.
    ssize_t n = recv(t->socket, buffer, CHUNK_BYTES, 0);
    if (n > 0) {
      status = write_all(t, buffer, (size_t)n);
      if (status != 0) break;
      transfer_moved(t, n);
      continue;
    }
    if (n == 0) {
      int err = reset_pending(t->socket);
      status = err ? -err : 0;
      break;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      status = -errno;
      break;
    }
    status = transfer_wait(t, POLLIN);
    if (status != 0) break;
  }
  lowat = 1;
  setsockopt(t->socket, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof lowat);
  munmap(buffer, CHUNK_BYTES);
  return status;
}

// receiveToFile(socketFd, fileFd, position, callback): reads the socket until the peer's end and
// writes everything to fileFd (from `position`, or at its offset when position is -1) on a new
// thread; returns { cancel() }. callback(1, bytes) reports progress; callback(0, bytes) the end,
// callback(-errno, bytes) a failure (-ECANCELED after cancel()). The caller keeps fileFd open and
// leaves the socket unread (Node's handle not reading) until the end is reported.
napi_value ferry_receive_to_file(napi_env env, napi_callback_info info) {
  return transfer_start(env, info, "receiveToFile(socketFd, fileFd, position, callback)", "FerryUploadThread", receive_loop);
}
