// Ferry's native helper: sendfile(2) and TCP_CORK for plain FTP downloads, which Node does not expose,
// and plain transfers on threads of their own (transfer-thread.c: kernel-send.c for downloads that
// fill the socket, kernel-receive.c for uploads).
// Here: the system calls themselves, and a writability watch with which Ferry's event loop sends a
// download's first burst and, when no download thread is free, the rest of it (one call per burst,
// until the socket is full, then a wait for room on the same event loop).
// Linux only; without this module Ferry reads into its own buffers and writes them (src/data).
#include <errno.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>
#include <node_api.h>
#include <uv.h>

#include "transfer-thread.h"

// sendfile(outFd, inFd, offset, count): bytes sent (0 at the end of the file), or -errno
// (-EAGAIN when the non-blocking socket is full). Never blocks on the socket.
static napi_value js_sendfile(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, 4, argv, "sendfile(outFd, inFd, offset, count)")) return NULL;
  int32_t out_fd, in_fd;
  int64_t offset, count;
  CHECK(napi_get_value_int32(env, argv[0], &out_fd));
  CHECK(napi_get_value_int32(env, argv[1], &in_fd));
  CHECK(napi_get_value_int64(env, argv[2], &offset));
  CHECK(napi_get_value_int64(env, argv[3], &count));
  if (offset < 0 || count < 0) {
    napi_throw_range_error(env, NULL, "offset and count must not be negative");
    return NULL;
  }
  off_t off = (off_t)offset;
  ssize_t n;
  do {
    n = sendfile(out_fd, in_fd, &off, (size_t)count);
  } while (n < 0 && errno == EINTR);
  return make_int64(env, n < 0 ? -(int64_t)errno : (int64_t)n);
}

// tcpCork(fd[, on]): sets TCP_CORK when `on` is given; returns the setting then in force (0 or 1),
// or -errno. Corked, the kernel sends only full segments until uncorked, as ProFTPD has it around
// its sendfile: plain downloads went 16% faster with it here (BENCHMARKS.md).
static napi_value js_tcp_cork(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 1, 2, argv, "tcpCork(fd[, on])")) return NULL;
  int32_t fd;
  CHECK(napi_get_value_int32(env, argv[0], &fd));
  napi_valuetype type;
  CHECK(napi_typeof(env, argv[1], &type));
  if (type != napi_undefined) {
    bool on;
    CHECK(napi_get_value_bool(env, argv[1], &on));
    int value = on ? 1 : 0;
    if (setsockopt(fd, IPPROTO_TCP, TCP_CORK, &value, sizeof value) < 0) return make_int64(env, -(int64_t)errno);
  }
  int state = 0;
  socklen_t size = sizeof state;
  if (getsockopt(fd, IPPROTO_TCP, TCP_CORK, &state, &size) < 0) return make_int64(env, -(int64_t)errno);
  return make_int64(env, state ? 1 : 0);
}

// A writability watch on a socket. It polls a duplicate of the descriptor: libuv allows one watcher
// per descriptor, and Node's own socket handle already holds the original.
typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref self;      // keeps the JS object alive while the watch is open
  napi_ref callback;  // callback(status): 0 when writable, -errno on a socket error
  napi_async_context context;
  int fd;
  int closed;         // close() ran
  int handle_closed;  // libuv released the poll handle
  int finalized;      // the JS object was collected
} watch_t;

static void watch_free_if_done(watch_t* w) {
  if (w->handle_closed && w->finalized) free(w);
}

static void on_poll_closed(uv_handle_t* handle) {
  watch_t* w = (watch_t*)handle->data;
  close(w->fd);
  // Destroyed here, not in close(): close() may run inside a callback made in this async context.
  napi_handle_scope scope;
  if (napi_open_handle_scope(w->env, &scope) == napi_ok) {
    napi_async_destroy(w->env, w->context);
    napi_close_handle_scope(w->env, scope);
  }
  w->handle_closed = 1;
  watch_free_if_done(w);
}

static void watch_close(watch_t* w) {
  if (w->closed) return;
  w->closed = 1;
  uv_poll_stop(&w->poll);
  uv_close((uv_handle_t*)&w->poll, on_poll_closed);
  napi_delete_reference(w->env, w->callback);
  napi_delete_reference(w->env, w->self);
}

static void on_writable(uv_poll_t* handle, int status, int events) {
  (void)events;
  watch_t* w = (watch_t*)handle->data;
  if (w->closed) return;
  napi_env env = w->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value callback, resource, argv[1];
  if (napi_get_reference_value(env, w->callback, &callback) == napi_ok &&
      napi_get_reference_value(env, w->self, &resource) == napi_ok &&
      napi_create_int32(env, status, &argv[0]) == napi_ok) {
    call_back(env, w->context, resource, callback, 1, argv);
  }
  napi_close_handle_scope(env, scope);
}

static void watch_finalize(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  watch_t* w = (watch_t*)data;
  w->finalized = 1;
  watch_free_if_done(w);
}

static napi_value js_watch_close(napi_env env, napi_callback_info info) {
  napi_value self;
  void* data;
  CHECK(napi_get_cb_info(env, info, NULL, NULL, &self, NULL));
  CHECK(napi_unwrap(env, self, &data));
  watch_close((watch_t*)data);
  return NULL;
}

// watchWritable(fd, callback): returns { fd, close() }, fd being the watch's own duplicate. The callback runs each time the socket has room
// (level-triggered: it keeps running while there is room, so fill the socket or close the watch).
static napi_value js_watch_writable(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, 2, argv, "watchWritable(fd, callback)")) return NULL;
  int32_t fd;
  CHECK(napi_get_value_int32(env, argv[0], &fd));
  if (!is_function(env, argv[1], "watchWritable(fd, callback)")) return NULL;
  uv_loop_t* loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  int dup_fd = dup(fd);
  if (dup_fd < 0) {
    napi_throw_error(env, NULL, "ferry-native: dup failed");
    return NULL;
  }
  watch_t* w = calloc(1, sizeof(watch_t));
  if (!w) {
    close(dup_fd);
    napi_throw_error(env, NULL, "ferry-native: out of memory");
    return NULL;
  }
  w->env = env;
  w->fd = dup_fd;
  w->poll.data = w;
  int rc = uv_poll_init(loop, &w->poll, dup_fd);
  if (rc != 0) {
    close(dup_fd);
    free(w);
    napi_throw_error(env, uv_err_name(rc), uv_strerror(rc));
    return NULL;
  }
  napi_value obj, close_fn, name, fd_value;
  CHECK(napi_create_object(env, &obj));
  CHECK(napi_create_function(env, "close", NAPI_AUTO_LENGTH, js_watch_close, NULL, &close_fn));
  CHECK(napi_set_named_property(env, obj, "close", close_fn));
  // The duplicate stays open until close(): sendfile goes to it, never to the original number, which
  // Node may close (and the kernel hand to another connection) while this watch waits.
  CHECK(napi_create_int32(env, dup_fd, &fd_value));
  CHECK(napi_set_named_property(env, obj, "fd", fd_value));
  CHECK(napi_wrap(env, obj, w, watch_finalize, NULL, NULL));
  CHECK(napi_create_reference(env, obj, 1, &w->self));
  CHECK(napi_create_reference(env, argv[1], 1, &w->callback));
  CHECK(napi_create_string_utf8(env, "FerryWritableWatch", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, obj, name, &w->context));
  // Writable only: a peer that merely shuts down its sending side (EPOLLRDHUP) would otherwise wake
  // this level-triggered watch again and again while the socket stays full. A reset or a hang-up
  // still comes through (epoll always reports those), as an error status.
  rc = uv_poll_start(&w->poll, UV_WRITABLE, on_writable);
  if (rc != 0) {
    watch_close(w);
    napi_throw_error(env, uv_err_name(rc), uv_strerror(rc));
    return NULL;
  }
  return obj;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"sendfile", NULL, js_sendfile, NULL, NULL, NULL, napi_default, NULL},
      {"watchWritable", NULL, js_watch_writable, NULL, NULL, NULL, napi_default, NULL},
      {"tcpCork", NULL, js_tcp_cork, NULL, NULL, NULL, napi_default, NULL},
      {"receiveToFile", NULL, ferry_receive_to_file, NULL, NULL, NULL, napi_default, NULL},
      {"sendFromFile", NULL, ferry_send_from_file, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, 5, props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
