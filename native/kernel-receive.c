// Plain FTP uploads received on a thread of their own: the data connection is read in 1 MiB pieces
// and each is written to the file at once, as vsftpd's and ProFTPD's per-session processes do.
// Ferry's event loop only hears of the progress (every 4 MiB or quarter of a second) and of the end.
// On the event loop the same upload cost up to twice the CPU: a wake-up per socket read, the writes
// handed to the thread pool, and the page-cache copy of each 1 MiB buffer made long after the socket
// copy filled it (BENCHMARKS.md).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "napi-helpers.h"

// What one read takes at most, and the buffer the thread holds for it.
#define CHUNK_BYTES (1024 * 1024)
// poll() wakes the thread once this much has arrived (or the end, or an error), not per segment:
// a third less CPU per GiB here.
#define LOWAT_BYTES (256 * 1024)
// The event loop hears of progress (the idle timer, STAT) after this much, or after a quarter of a
// second with fewer bytes: a slow upload must not look idle (the idle timeout is at least a second).
#define PROGRESS_BYTES (4 * 1024 * 1024)
#define PROGRESS_MS 250
#define PROGRESS_NS (PROGRESS_MS * 1000000LL)

typedef struct {
  uv_async_t async;  // the thread's messages to the event loop: progress, then the end
  uv_thread_t thread;
  napi_env env;
  napi_ref self;      // keeps the JS object alive until the end is delivered
  napi_ref callback;  // callback(status, bytes): 1 progress; 0 the peer's end; -errno a failure
  napi_async_context context;
  int socket;        // the thread's duplicate of the data connection, closed after the thread ends
  int file;          // the caller's, open until the callback reports the end
  int64_t position;  // where the first byte goes; -1: at the file's own offset (O_APPEND, a new file)
  int wake;          // eventfd that cancel() writes, to wake the thread out of poll()
  atomic_int cancel;
  atomic_llong bytes;
  atomic_int finished;  // the thread is done: `status` is set
  int status;
  int started;    // the thread was created (to be joined)
  int delivered;  // the end went to JavaScript (event loop only)
  int handle_closed;
  int finalized;
} receive_t;

static void receive_free_if_done(receive_t* r) {
  if (r->handle_closed && r->finalized) free(r);
}

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

static int write_all(receive_t* r, const char* data, size_t size, int64_t offset) {
  for (size_t done = 0; done < size;) {
    ssize_t n = r->position < 0 ? write(r->file, data + done, size - done)
                                : pwrite(r->file, data + done, size - done, (off_t)(r->position + offset + (int64_t)done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (n == 0) return -EIO;
    done += (size_t)n;
  }
  return 0;
}

// Tells the event loop of bytes it has not heard of, once there are enough or PROGRESS_MS has passed.
static void report_progress(receive_t* r, int64_t total, int64_t* reported, uint64_t* reported_at) {
  if (total == *reported) return;
  uint64_t now = uv_hrtime();
  if (total - *reported < PROGRESS_BYTES && now - *reported_at < PROGRESS_NS) return;
  *reported = total;
  *reported_at = now;
  uv_async_send(&r->async);
}

static void receive_loop(void* arg) {
  receive_t* r = (receive_t*)arg;
  // Mapped, not malloc'ed: glibc would keep the freed block in this thread's arena for good.
  char* buffer = mmap(NULL, CHUNK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (buffer == MAP_FAILED) buffer = NULL;
  int status = buffer ? 0 : -ENOMEM;
  int64_t total = 0, reported = 0;
  uint64_t reported_at = uv_hrtime();
  int lowat = LOWAT_BYTES;
  setsockopt(r->socket, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof lowat);
  while (buffer) {
    if (atomic_load(&r->cancel)) {
      status = -ECANCELED;
      break;
    }
    // The socket is non-blocking (Node set that on the shared file description): poll when empty.
    ssize_t n = recv(r->socket, buffer, CHUNK_BYTES, 0);
    if (n > 0) {
      status = write_all(r, buffer, (size_t)n, total);
      if (status != 0) break;
      total += n;
      atomic_store(&r->bytes, total);
      report_progress(r, total, &reported, &reported_at);
      continue;
    }
    if (n == 0) {
      int err = reset_pending(r->socket);
      status = err ? -err : 0;
      break;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      status = -errno;
      break;
    }
    // Wakes at least every PROGRESS_MS: a slow client's few bytes (below LOWAT_BYTES) are taken and reported.
    struct pollfd fds[2] = {{.fd = r->socket, .events = POLLIN}, {.fd = r->wake, .events = POLLIN}};
    if (poll(fds, 2, PROGRESS_MS) < 0 && errno != EINTR) {
      status = -errno;
      break;
    }
    report_progress(r, total, &reported, &reported_at);  // bytes taken just before a quiet spell
  }
  lowat = 1;
  setsockopt(r->socket, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof lowat);
  if (buffer) munmap(buffer, CHUNK_BYTES);
  r->status = status;
  atomic_store(&r->finished, 1);
  uv_async_send(&r->async);
}

static void on_async_closed(uv_handle_t* handle) {
  receive_t* r = (receive_t*)handle->data;
  napi_handle_scope scope;
  if (napi_open_handle_scope(r->env, &scope) == napi_ok) {
    napi_async_destroy(r->env, r->context);
    napi_close_handle_scope(r->env, scope);
  }
  r->handle_closed = 1;
  receive_free_if_done(r);
}

static void on_async(uv_async_t* handle) {
  receive_t* r = (receive_t*)handle->data;
  if (r->delivered) return;
  int finished = atomic_load(&r->finished);
  int64_t bytes = atomic_load(&r->bytes);
  napi_env env = r->env;
  napi_value callback = NULL, resource = NULL;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  if (napi_get_reference_value(env, r->callback, &callback) != napi_ok) callback = NULL;
  if (napi_get_reference_value(env, r->self, &resource) != napi_ok) resource = NULL;
  if (finished) {
    // The thread has returned or is about to: join it, then nothing else touches the descriptors.
    if (r->started) uv_thread_join(&r->thread);
    close(r->socket);
    close(r->wake);
    r->delivered = 1;
    napi_delete_reference(env, r->callback);
    napi_delete_reference(env, r->self);
    uv_close((uv_handle_t*)&r->async, on_async_closed);
  }
  if (callback && resource) {
    napi_value argv[2];
    if (napi_create_int32(env, finished ? r->status : 1, &argv[0]) == napi_ok && napi_create_int64(env, bytes, &argv[1]) == napi_ok) {
      call_back(env, r->context, resource, callback, 2, argv);
    }
  }
  napi_close_handle_scope(env, scope);
}

static void receive_finalize(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  receive_t* r = (receive_t*)data;
  r->finalized = 1;
  receive_free_if_done(r);
}

static napi_value js_receive_cancel(napi_env env, napi_callback_info info) {
  napi_value self;
  void* data;
  CHECK(napi_get_cb_info(env, info, NULL, NULL, &self, NULL));
  CHECK(napi_unwrap(env, self, &data));
  receive_t* r = (receive_t*)data;
  if (r->delivered) return NULL;
  atomic_store(&r->cancel, 1);
  uint64_t one = 1;
  ssize_t ignored = write(r->wake, &one, sizeof one);
  (void)ignored;  // the flag alone stops a thread that is not waiting in poll()
  return NULL;
}

// receiveToFile(socketFd, fileFd, position, callback): reads the socket until the peer's end and
// writes everything to fileFd (from `position`, or at its offset when position is -1) on a new
// thread; returns { cancel() }. callback(1, bytes) reports progress; callback(0, bytes) the end,
// callback(-errno, bytes) a failure (-ECANCELED after cancel()). The caller keeps fileFd open and
// leaves the socket unread (Node's handle not reading) until the end is reported.
napi_value ferry_receive_to_file(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, 4, argv, "receiveToFile(socketFd, fileFd, position, callback)")) return NULL;
  int32_t socket_fd, file_fd;
  int64_t position;
  CHECK(napi_get_value_int32(env, argv[0], &socket_fd));
  CHECK(napi_get_value_int32(env, argv[1], &file_fd));
  CHECK(napi_get_value_int64(env, argv[2], &position));
  if (!is_function(env, argv[3], "receiveToFile(socketFd, fileFd, position, callback)")) return NULL;
  uv_loop_t* loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  receive_t* r = calloc(1, sizeof(receive_t));
  if (!r) {
    napi_throw_error(env, "ENOMEM", "ferry-native: out of memory");
    return NULL;
  }
  r->env = env;
  r->file = file_fd;
  r->position = position < 0 ? -1 : position;
  // A duplicate: Node may close its descriptor (and the kernel reuse the number) while the thread reads.
  r->socket = fcntl(socket_fd, F_DUPFD_CLOEXEC, 0);
  r->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (r->socket < 0 || r->wake < 0) {
    int err = errno;
    if (r->socket >= 0) close(r->socket);
    if (r->wake >= 0) close(r->wake);
    free(r);
    napi_throw_error(env, uv_err_name(-err), "ferry-native: could not duplicate the socket or open an eventfd for an upload thread");
    return NULL;
  }
  r->async.data = r;
  int rc = uv_async_init(loop, &r->async, on_async);
  if (rc != 0) {
    close(r->socket);
    close(r->wake);
    free(r);
    napi_throw_error(env, uv_err_name(rc), uv_strerror(rc));
    return NULL;
  }
  napi_value obj, cancel_fn, name;
  CHECK(napi_create_object(env, &obj));
  CHECK(napi_create_function(env, "cancel", NAPI_AUTO_LENGTH, js_receive_cancel, NULL, &cancel_fn));
  CHECK(napi_set_named_property(env, obj, "cancel", cancel_fn));
  CHECK(napi_wrap(env, obj, r, receive_finalize, NULL, NULL));
  CHECK(napi_create_reference(env, obj, 1, &r->self));
  CHECK(napi_create_reference(env, argv[3], 1, &r->callback));
  CHECK(napi_create_string_utf8(env, "FerryUploadThread", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, obj, name, &r->context));
  rc = uv_thread_create(&r->thread, receive_loop, r);
  if (rc != 0) {
    // No thread: report the failure through the callback, as the thread would have.
    r->status = rc;
    atomic_store(&r->finished, 1);
    uv_async_send(&r->async);
  } else {
    r->started = 1;
  }
  return obj;
}
