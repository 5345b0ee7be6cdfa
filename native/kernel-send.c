// Plain FTP downloads sent on a thread of their own (transfer-thread.c) with sendfile(2): the kernel
// moves the file's pages into the socket, and the thread waits for room in poll(), as vsftpd's and
// ProFTPD's per-session processes wait in their blocking sendfile. Ferry's event loop sends the
// first burst itself (a small file goes in it) and hands a file that fills the socket to this thread;
// it then only hears of the progress and the end. The thread also does the file's reads, which may
// wait for the disk.
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include "transfer-thread.h"

// Bytes handed to the kernel per call: a non-blocking socket takes at most its free space anyway;
// this bounds a call for a file that is still being written to.
#define CALL_BYTES (64 * 1024 * 1024)

static int send_loop(transfer_t* t) {
  // Corked (as the event loop's first burst left it, as ProFTPD has it): only full segments go out.
  int on = 1, off = 0;
  setsockopt(t->socket, IPPROTO_TCP, TCP_CORK, &on, sizeof on);
  off_t offset = (off_t)t->position;
  int status = 0;
  for (;;) {
    if (atomic_load(&t->cancel)) {
      status = -ECANCELED;
      break;
    }
    ssize_t n = sendfile(t->socket, t->file, &offset, CALL_BYTES);
    if (n > 0) {
      transfer_moved(t, n);
      continue;
    }
    if (n == 0) break;  // the end of the file, as it is now
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      status = -errno;
      break;
    }
    status = transfer_wait(t, POLLOUT);
    if (status != 0) break;
  }
  // The last, partial segment goes now rather than after the kernel's 200 ms cork limit.
  setsockopt(t->socket, IPPROTO_TCP, TCP_CORK, &off, sizeof off);
  return status;
}

// sendFromFile(socketFd, fileFd, position, callback): sends fileFd from `position` to its end
// through the socket on a new thread; returns { cancel() }. callback(1, bytes) reports progress,
// callback(0, bytes) the end (everything handed to the socket, uncorked), callback(-errno, bytes) a
// failure (-ECANCELED after cancel()). The caller keeps fileFd open and writes nothing to the
// socket until the end is reported.
napi_value ferry_send_from_file(napi_env env, napi_callback_info info) {
  return transfer_start(env, info, "sendFromFile(socketFd, fileFd, position, callback)", "FerryDownloadThread", send_loop);
}
