/*
 * Prototype, benchmark only: what the stream's hot path costs when it is compiled.
 *
 * Each part stands in for a piece of the package and can be installed on its own (see
 * benchmarks/c_decoder/__init__.py, install()):
 * - Decoder._decode (method("decode", Decoder)): one orjson call per frame, as the package
 *   parses, then a QuoteUpdate built here (outside the garbage collector's tracking) for
 *   every well-formed quote update, its bid and ask converted to Decimal and stored in the
 *   model's cache (when price() is exact; else they stay unset and the first read converts
 *   them in Python); every other message goes to the decoder's own Python code (message(),
 *   _bad(), _slow(), and str frames to the package's _decode).
 * - MarketStream.on_messages (method("on_messages", MarketStream)): the latest-quote cache,
 *   acknowledgements, the other messages' tracking, then the hub's publish_many() (Python).
 * - QuoteUpdate.bid_price and ask_price (field_reader()): the value in the model's cache, or
 *   the package's getter while it is unset, behind a plain property.
 * - Consumer.__anext__ (method("anext", Consumer)): a buffered item handed out without a
 *   coroutine (an awaitable that is ready at once); the package's __anext__ when nothing is
 *   buffered.
 * - Decimals built from coefficient and exponent instead of text (layout(True)).
 *
 * Not part of the package: the team has not decided to ship compiled code (benchmarks/README).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <math.h>

static PyObject *quote_type;      /* aries_async.models.events.QuoteUpdate */
static PyObject *unset_value;     /* the lazy cache's "not converted yet" marker */
static PyObject *create_decimal;  /* EXACT.create_decimal, as the package converts */
static PyObject *loads_function;  /* orjson.loads */
static PyObject *decode_error;    /* orjson.JSONDecodeError */
static PyObject *python_decode;   /* the package's Decoder._decode, for str frames */
static PyObject *python_anext;    /* the package's Consumer.__anext__ */
static PyObject *ack_type;        /* SubscribeAck */
static Py_ssize_t cache_size, bid_index, ask_index;
static Py_ssize_t symbol_offset, data_offset, timestamp_offset, cache_offset;

static PyObject *s_payload, *s_action, *s_type, *s_data, *s_symbol, *s_timestamp;
static PyObject *s_update, *s_event, *s_quote, *s_bid, *s_ask;
static PyObject *s_lines, *s_slow, *s_bad, *s_message, *s_latest, *s_subs, *s_acknowledge;
static PyObject *s_request_id, *s_track, *s_hub, *s_publish_many;
static PyObject *s_queue, *s_popleft, *s_delivered;

static const double powers[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};

/*
 * Building a Decimal from its coefficient and exponent without parsing text. _decimal has
 * no C API for it (3.11 to 3.13), so this writes its object as CPython's Modules/_decimal
 * lays it out (a private layout: PyDecObject with libmpdec's mpd_t and four 64-bit words
 * of coefficient in the object). configure() enables it only when the type's size and
 * flags match that layout and a Decimal built this way equals the one parsed from text;
 * otherwise every price goes through create_decimal(text). A shipped version would need
 * _decimal to export such a constructor, or would have to pin this per Python version.
 */
typedef struct {
    uint8_t flags;
    Py_ssize_t exp;
    Py_ssize_t digits;
    Py_ssize_t len;
    Py_ssize_t alloc;
    uint64_t *data;
} mpd_layout;

typedef struct {
    PyObject_HEAD
    Py_hash_t hash;
    mpd_layout dec;
    uint64_t data[4];
} decimal_layout;

#define MPD_NEG_FLAG 1
#define MPD_STATIC_FLAGS (16 | 32) /* MPD_STATIC | MPD_STATIC_DATA */

static PyTypeObject *decimal_type; /* set when the layout was checked */

static PyObject *
decimal_from(long long m, int k, int negative)
{
    decimal_layout *value = PyObject_New(decimal_layout, decimal_type);
    if (value == NULL) {
        return NULL;
    }
    Py_ssize_t digits = 1;
    for (long long rest = m; rest >= 10; rest /= 10) {
        digits++;
    }
    value->hash = -1;
    value->dec.flags = MPD_STATIC_FLAGS | (negative ? MPD_NEG_FLAG : 0);
    value->dec.exp = -k;
    value->dec.digits = digits;
    value->dec.len = 1;
    value->dec.alloc = 4;
    value->dec.data = value->data;
    value->data[0] = (uint64_t)m;
    return (PyObject *)value;
}

/*
 * The Decimal that Decimal(repr(x)) gives, or NULL without an error set when this does not
 * know it. For 0 < |x| < 1e7 it looks for the fewest fractional digits k (1 to 8: repr
 * writes 10.0, not 10) such that m = round(x * 10**k) divided by 10**k reads back as x.
 * In that range two decimals 10**-8 apart cannot both read back as x (a double's spacing
 * there is at most 2**-29), so the first k found gives repr's digits; x * 10**k is off by
 * less than 0.25 from m, and m and 10**k are exact doubles, so the division reads back
 * exactly when the decimal does.
 */
static PyObject *
price(double x)
{
    double a = fabs(x);
    if (!(a > 0.0 && a < 1e7)) {
        return NULL;
    }
    for (int k = 1; k <= 8; k++) {
        double scaled = a * powers[k];
        long long m = llround(scaled);
        if ((double)m / powers[k] != a) {
            continue;
        }
        if (decimal_type != NULL) {
            return decimal_from(m, k, x < 0);
        }
        char digits[32];
        char *end = digits + sizeof(digits);
        char *p = end;
        int fraction = k;
        while (fraction-- > 0) {
            *--p = (char)('0' + m % 10);
            m /= 10;
        }
        *--p = '.';
        do {
            *--p = (char)('0' + m % 10);
            m /= 10;
        } while (m > 0);
        if (x < 0) {
            *--p = '-';
        }
        Py_ssize_t length = end - p;
        PyObject *text = PyUnicode_New(length, 127);
        if (text == NULL) {
            return NULL;
        }
        memcpy(PyUnicode_1BYTE_DATA(text), p, (size_t)length);
        PyObject *value = PyObject_CallOneArg(create_decimal, text);
        Py_DECREF(text);
        return value;
    }
    return NULL;
}

/* 1 when value is the str literal, 0 when not (an error never happens for str objects). */
static inline int
is(PyObject *value, PyObject *literal)
{
    return value == literal ||
           (value != NULL && PyUnicode_CheckExact(value) && PyUnicode_Compare(value, literal) == 0);
}

/* items[index] = the Decimal of a float price when price() knows it (else left unset for the
   lazy read); -1 on an error. */
static int
store_price(PyObject **items, Py_ssize_t index, PyObject *number)
{
    PyObject *value = price(PyFloat_AS_DOUBLE(number));
    if (value == NULL) {
        return PyErr_Occurred() ? -1 : 0;
    }
    Py_SETREF(items[index], value);
    return 0;
}

/* A new QuoteUpdate, or NULL without an error set when message is not a plain quote update. */
static PyObject *
quote(PyObject *message)
{
    PyObject *payload = PyDict_GetItemWithError(message, s_payload);
    if (payload == NULL || !PyDict_CheckExact(payload)) {
        return NULL;
    }
    if (!is(PyDict_GetItemWithError(payload, s_action), s_update) ||
        !is(PyDict_GetItemWithError(message, s_type), s_event) ||
        !is(PyDict_GetItemWithError(payload, s_type), s_quote)) {
        return NULL;
    }
    PyObject *data = PyDict_GetItemWithError(payload, s_data);
    PyObject *symbol = PyDict_GetItemWithError(payload, s_symbol);
    if (data == NULL || !PyDict_CheckExact(data) || symbol == NULL ||
        !PyUnicode_CheckExact(symbol) || PyUnicode_GET_LENGTH(symbol) == 0) {
        return NULL;
    }
    PyObject *timestamp = PyDict_GetItemWithError(payload, s_timestamp);
    if (timestamp == NULL) {
        timestamp = Py_None;
    }
    PyObject *cache = PyList_New(cache_size);
    if (cache == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < cache_size; i++) {
        PyList_SET_ITEM(cache, i, Py_NewRef(unset_value));
    }
    PyObject **items = ((PyListObject *)cache)->ob_item;
    PyObject *bid = PyDict_GetItemWithError(data, s_bid);
    PyObject *ask = PyDict_GetItemWithError(data, s_ask);
    if (bid != NULL && ask != NULL && PyFloat_CheckExact(bid) && PyFloat_CheckExact(ask)) {
        if (store_price(items, bid_index, bid) < 0 || store_price(items, ask_index, ask) < 0) {
            Py_DECREF(cache);
            return NULL;
        }
    }
    PyTypeObject *type = (PyTypeObject *)quote_type;
    PyObject *model = type->tp_alloc(type, 0);
    if (model == NULL) {
        Py_DECREF(cache);
        return NULL;
    }
    char *base = (char *)model;
    *(PyObject **)(base + symbol_offset) = Py_NewRef(symbol);
    *(PyObject **)(base + data_offset) = Py_NewRef(data);
    *(PyObject **)(base + timestamp_offset) = Py_NewRef(timestamp);
    *(PyObject **)(base + cache_offset) = cache;
    /* Neither can be part of a reference cycle: a frozen model of a JSON object's values and
       a cache of the values converted from them. Untracked, the garbage collector does not
       walk the updates that wait in a consumer's buffer (refcounting still frees them). */
    PyObject_GC_UnTrack(cache);
    PyObject_GC_UnTrack(model);
    return model;
}

/* The frame's JSON values as a new list, parsed as the package parses (bytes frames). */
static PyObject *
parse(PyObject *decoder, PyObject *frame)
{
    const char *data = PyBytes_AS_STRING(frame);
    Py_ssize_t size = PyBytes_GET_SIZE(frame);
    PyObject *parsed;
    if (memchr(data, '\n', (size_t)size) == NULL) {
        PyObject *value = PyObject_CallOneArg(loads_function, frame);
        if (value != NULL) {
            parsed = PyList_New(1);
            if (parsed == NULL) {
                Py_DECREF(value);
                return NULL;
            }
            PyList_SET_ITEM(parsed, 0, value);
            return parsed;
        }
    }
    else {
        /* b"[" + frame.strip().replace(b"\n", b",") + b"]": one parse call per frame */
        Py_ssize_t start = 0, end = size;
        while (start < end && Py_ISSPACE(data[start])) {
            start++;
        }
        while (end > start && Py_ISSPACE(data[end - 1])) {
            end--;
        }
        PyObject *array = PyBytes_FromStringAndSize(NULL, end - start + 2);
        if (array == NULL) {
            return NULL;
        }
        char *out = PyBytes_AS_STRING(array);
        char *body = out + 1;
        size_t length = (size_t)(end - start);
        out[0] = '[';
        memcpy(body, data + start, length);
        out[length + 1] = ']';
        for (char *p = memchr(body, '\n', length); p != NULL;
             p = memchr(p + 1, '\n', length - (size_t)(p + 1 - body))) {
            *p = ',';
        }
        parsed = PyObject_CallOneArg(loads_function, array);
        Py_DECREF(array);
        if (parsed != NULL) {
            return parsed;
        }
    }
    if (!PyErr_ExceptionMatches(decode_error)) {
        return NULL;
    }
    PyErr_Clear();
    return PyObject_CallMethodOneArg(decoder, s_slow, frame);
}

/* owner.name(arg), its result dropped; -1 on an error. */
static int
call_method(PyObject *owner, PyObject *name, PyObject *arg)
{
    PyObject *result = PyObject_CallMethodOneArg(owner, name, arg);
    Py_XDECREF(result);
    return result == NULL ? -1 : 0;
}

/* owner.name += amount (a counter attribute of a Python object); -1 on an error. */
static int
add_to(PyObject *owner, PyObject *name, Py_ssize_t amount)
{
    PyObject *value = PyObject_GetAttr(owner, name);
    PyObject *step = value == NULL ? NULL : PyLong_FromSsize_t(amount);
    PyObject *total = step == NULL ? NULL : PyNumber_Add(value, step);
    Py_XDECREF(value);
    Py_XDECREF(step);
    int failed = total == NULL || PyObject_SetAttr(owner, name, total) < 0;
    Py_XDECREF(total);
    return failed ? -1 : 0;
}

static PyObject *
decode_impl(PyObject *decoder, PyObject *frame)
{
    if (!PyBytes_CheckExact(frame)) {
        return PyObject_CallFunctionObjArgs(python_decode, decoder, frame, NULL);
    }
    PyObject *parsed = parse(decoder, frame);
    if (parsed == NULL) {
        return NULL;
    }
    PyObject *out = NULL;
    if (!PyList_CheckExact(parsed)) {
        PyErr_SetString(PyExc_TypeError, "a frame parsed into something other than a list");
        goto done;
    }
    if (add_to(decoder, s_lines, PyList_GET_SIZE(parsed)) < 0) {
        goto done;
    }
    out = PyList_New(0);
    if (out == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(parsed); i++) {
        PyObject *message = PyList_GET_ITEM(parsed, i);
        PyObject *item = NULL;
        if (!PyDict_CheckExact(message)) {
            if (call_method(decoder, s_bad, message) < 0) {
                goto error;
            }
            continue;
        }
        item = quote(message);
        if (item == NULL) {
            if (PyErr_Occurred()) {
                goto error;
            }
            item = PyObject_CallMethodOneArg(decoder, s_message, message);
            if (item == NULL) {
                goto error;
            }
        }
        int failed = PyList_Append(out, item);
        Py_DECREF(item);
        if (failed) {
            goto error;
        }
    }
    goto done;
error:
    Py_CLEAR(out);
done:
    Py_DECREF(parsed);
    return out;
}

/* 1 when newer's data has every key of previous's data, 0 when not, -1 on an error. */
static int
covers(PyObject *newer, PyObject *previous)
{
    PyObject *data = *(PyObject **)((char *)newer + data_offset);
    PyObject *old = *(PyObject **)((char *)previous + data_offset);
    if (PyDict_CheckExact(data) && PyDict_CheckExact(old)) {
        if (PyDict_GET_SIZE(data) < PyDict_GET_SIZE(old)) {
            return 0;
        }
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        while (PyDict_Next(old, &pos, &key, &value)) {
            int found = PyDict_Contains(data, key);
            if (found <= 0) {
                return found;
            }
        }
        return 1;
    }
    /* any other mapping: data.keys() >= old.keys(), as the package spells it */
    PyObject *mine = PyObject_CallMethod(data, "keys", NULL);
    PyObject *theirs = mine == NULL ? NULL : PyObject_CallMethod(old, "keys", NULL);
    PyObject *result = theirs == NULL ? NULL : PyObject_RichCompare(mine, theirs, Py_GE);
    Py_XDECREF(mine);
    Py_XDECREF(theirs);
    if (result == NULL) {
        return -1;
    }
    int answer = PyObject_IsTrue(result);
    Py_DECREF(result);
    return answer;
}

/* The latest-quote cache's step for one QuoteUpdate. A symbol not kept so far is kept only
 * while its quotes are subscribed (MarketStream.on_messages asks _subs.wants() the same). */
static int
remember(PyObject *stream, PyObject *latest, PyObject *message)
{
    PyObject *symbol = *(PyObject **)((char *)message + symbol_offset);
    PyObject *previous = PyDict_GetItemWithError(latest, symbol);
    if (previous == NULL) {
        if (PyErr_Occurred()) {
            return -1;
        }
        PyObject *subs = PyObject_GetAttr(stream, s_subs);
        if (subs == NULL) {
            return -1;
        }
        PyObject *wanted = PyObject_CallMethod(subs, "wants", "Os", symbol, "quotes");
        Py_DECREF(subs);
        if (wanted == NULL) {
            return -1;
        }
        int keep = PyObject_IsTrue(wanted);
        Py_DECREF(wanted);
        return keep <= 0 ? keep : PyDict_SetItem(latest, symbol, message);
    }
    int whole = covers(message, previous);
    if (whole < 0) {
        return -1;
    }
    if (whole) { /* it sent every field the previous one had */
        return PyDict_SetItem(latest, symbol, message);
    }
    PyObject *merged = PyObject_CallMethod(previous, "merged", "O", message);
    if (merged == NULL) {
        return -1;
    }
    int stored = PyDict_SetItem(latest, symbol, merged);
    Py_DECREF(merged);
    return stored;
}

static PyObject *
on_messages_impl(PyObject *stream, PyObject *messages)
{
    if (!PyList_CheckExact(messages)) {
        PyErr_SetString(PyExc_TypeError, "on_messages(messages: list)");
        return NULL;
    }
    PyObject *latest = PyObject_GetAttr(stream, s_latest);
    if (latest == NULL) {
        return NULL;
    }
    PyObject *publish = NULL;
    PyObject *result = NULL;
    int acks = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(messages); i++) {
        PyObject *message = PyList_GET_ITEM(messages, i);
        PyTypeObject *kind = Py_TYPE(message);
        if (kind == (PyTypeObject *)quote_type) {
            if (remember(stream, latest, message) < 0) {
                goto done;
            }
        }
        else if (kind == (PyTypeObject *)ack_type) {
            PyObject *subs = PyObject_GetAttr(stream, s_subs);
            PyObject *request = subs == NULL ? NULL : PyObject_GetAttr(message, s_request_id);
            int failed = request == NULL || call_method(subs, s_acknowledge, request) < 0;
            Py_XDECREF(subs);
            Py_XDECREF(request);
            if (failed) {
                goto done;
            }
            acks = 1;
        }
        else {
            PyObject *args[] = {stream, (PyObject *)kind, message};
            PyObject *tracked = PyObject_VectorcallMethod(s_track, args, 3, NULL);
            if (tracked == NULL) {
                goto done;
            }
            Py_DECREF(tracked);
        }
    }
    if (acks) {
        publish = PyList_New(0);
        for (Py_ssize_t i = 0; publish != NULL && i < PyList_GET_SIZE(messages); i++) {
            PyObject *message = PyList_GET_ITEM(messages, i);
            if (Py_TYPE(message) != (PyTypeObject *)ack_type &&
                PyList_Append(publish, message) < 0) {
                Py_CLEAR(publish);
            }
        }
        if (publish == NULL) {
            goto done;
        }
    }
    else {
        publish = Py_NewRef(messages);
    }
    PyObject *hub = PyObject_GetAttr(stream, s_hub);
    if (hub != NULL && call_method(hub, s_publish_many, publish) == 0) {
        result = Py_NewRef(Py_None);
    }
    Py_XDECREF(hub);
done:
    Py_XDECREF(publish);
    Py_DECREF(latest);
    return result;
}

/* A lazy field's getter: the value in a QuoteUpdate's cache, else the package's getter. */
static PyObject *
read_impl(PyObject *field, PyObject *model)
{
    /* field: (cache index, the package's getter) */
    if (Py_IS_TYPE(model, (PyTypeObject *)quote_type)) {
        PyObject *cache = *(PyObject **)((char *)model + cache_offset);
        Py_ssize_t index = PyLong_AsSsize_t(PyTuple_GET_ITEM(field, 0));
        if (cache != NULL && PyList_CheckExact(cache) && index >= 0 &&
            index < PyList_GET_SIZE(cache)) {
            PyObject *value = PyList_GET_ITEM(cache, index);
            if (value != unset_value) {
                return Py_NewRef(value);
            }
        }
    }
    return PyObject_CallOneArg(PyTuple_GET_ITEM(field, 1), model);
}

static PyMethodDef read_def = {"read", read_impl, METH_O, NULL};

/* field_reader(index, getter): a function to give property() as a lazy field's getter. */
static PyObject *
field_reader(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyLong_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "field_reader(index: int, getter)");
        return NULL;
    }
    PyObject *field = PyTuple_Pack(2, args[0], args[1]);
    if (field == NULL) {
        return NULL;
    }
    PyObject *reader = PyCFunction_New(&read_def, field);
    Py_DECREF(field);
    return reader;
}

/* An awaitable whose await gives value at once, without suspending. */
typedef struct {
    PyObject_HEAD
    PyObject *value;
} Ready;

static PyObject *
ready_await(PyObject *self)
{
    return Py_NewRef(self);
}

static PySendResult
ready_send(PyObject *self, PyObject *arg, PyObject **result)
{
    *result = Py_NewRef(((Ready *)self)->value);
    return PYGEN_RETURN;
}

static PyObject *
ready_next(PyObject *self)
{
    PyObject *stop = PyObject_CallOneArg(PyExc_StopIteration, ((Ready *)self)->value);
    if (stop != NULL) {
        PyErr_SetObject(PyExc_StopIteration, stop);
        Py_DECREF(stop);
    }
    return NULL;
}

static void
ready_dealloc(PyObject *self)
{
    Py_XDECREF(((Ready *)self)->value);
    PyObject_Free(self);
}

static PyAsyncMethods ready_async = {
    .am_await = ready_await,
    .am_send = ready_send,
};

static PyTypeObject ReadyType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_fastquotes.Ready",
    .tp_basicsize = sizeof(Ready),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_dealloc = ready_dealloc,
    .tp_as_async = &ready_async,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = ready_next,
};

static PyObject *
anext_impl(PyObject *consumer, PyObject *unused)
{
    PyObject *queue = PyObject_GetAttr(consumer, s_queue);
    if (queue == NULL) {
        return NULL;
    }
    Py_ssize_t size = PyObject_Length(queue);
    if (size <= 0) {
        Py_DECREF(queue);
        return size < 0 ? NULL : PyObject_CallOneArg(python_anext, consumer);
    }
    PyObject *item = PyObject_CallMethodNoArgs(queue, s_popleft);
    Py_DECREF(queue);
    if (item == NULL) {
        return NULL;
    }
    if (add_to(consumer, s_delivered, 1) < 0) {
        Py_DECREF(item);
        return NULL;
    }
    Ready *ready = PyObject_New(Ready, &ReadyType);
    if (ready == NULL) {
        Py_DECREF(item);
        return NULL;
    }
    ready->value = item;
    return (PyObject *)ready;
}

static PyMethodDef method_defs[] = {
    {"decode", decode_impl, METH_O, NULL},
    {"on_messages", on_messages_impl, METH_O, NULL},
    {"anext", anext_impl, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

/* method(name, cls): the C method to set on cls in place of the package's (see the top). */
static PyObject *
method(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyType_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "method(name: str, cls: type)");
        return NULL;
    }
    if (loads_function == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "configure_stream() first");
        return NULL;
    }
    for (PyMethodDef *def = method_defs; def->ml_name != NULL; def++) {
        if (PyUnicode_CompareWithASCIIString(args[0], def->ml_name) == 0) {
            return PyDescr_NewMethod((PyTypeObject *)args[1], def);
        }
    }
    PyErr_Format(PyExc_ValueError, "no C method %R", args[0]);
    return NULL;
}

/* configure_stream(orjson.loads, JSONDecodeError, Decoder._decode, SubscribeAck,
                    Consumer.__anext__): what the C methods hand over to. */
static PyObject *
configure_stream(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5 || !PyType_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "configure_stream() takes 5 arguments");
        return NULL;
    }
    Py_XSETREF(loads_function, Py_NewRef(args[0]));
    Py_XSETREF(decode_error, Py_NewRef(args[1]));
    Py_XSETREF(python_decode, Py_NewRef(args[2]));
    Py_XSETREF(ack_type, Py_NewRef(args[3]));
    Py_XSETREF(python_anext, Py_NewRef(args[4]));
    Py_RETURN_NONE;
}

static PyObject *
convert(PyObject *module, PyObject *arg)
{
    double x = PyFloat_AsDouble(arg);
    if (x == -1.0 && PyErr_Occurred()) {
        return NULL;
    }
    PyObject *value = price(x);
    if (value == NULL && !PyErr_Occurred()) {
        Py_RETURN_NONE;
    }
    return value;
}

/* Enables decimal_from() when the Decimal type matches its layout; returns whether it did. */
static PyObject *
enable_layout(void)
{
    decimal_type = NULL;
    PyObject *literal = PyUnicode_FromString("-189.51");
    if (literal == NULL) {
        return NULL;
    }
    PyObject *sample = PyObject_CallOneArg(create_decimal, literal);
    Py_DECREF(literal);
    if (sample == NULL) {
        return NULL;
    }
    PyTypeObject *type = Py_TYPE(sample);
    int fits = type->tp_basicsize == (Py_ssize_t)sizeof(decimal_layout) &&
               type->tp_itemsize == 0 && !(type->tp_flags & Py_TPFLAGS_HAVE_GC) &&
               ((decimal_layout *)sample)->dec.data == ((decimal_layout *)sample)->data;
    if (fits) {
        decimal_type = type;
        PyObject *built = decimal_from(18951, 2, 1);
        decimal_type = NULL;
        if (built == NULL) {
            Py_DECREF(sample);
            return NULL;
        }
        PyObject *text = PyObject_Str(built);
        int same = text != NULL && PyUnicode_CompareWithASCIIString(text, "-189.51") == 0 &&
                   PyObject_RichCompareBool(built, sample, Py_EQ) == 1;
        Py_XDECREF(text);
        Py_DECREF(built);
        if (PyErr_Occurred()) {
            Py_DECREF(sample);
            return NULL;
        }
        if (same) {
            decimal_type = type;
        }
    }
    Py_DECREF(sample);
    return PyBool_FromLong(decimal_type != NULL);
}

static Py_ssize_t
offset(PyObject *descriptor)
{
    if (!Py_IS_TYPE(descriptor, &PyMemberDescr_Type)) {
        PyErr_SetString(PyExc_TypeError, "expected a slot's member descriptor");
        return -1;
    }
    return ((PyMemberDescrObject *)descriptor)->d_member->offset;
}

static PyObject *
configure(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* configure(QuoteUpdate, unset, create_decimal, cache_size, bid_index, ask_index,
                 symbol_slot, data_slot, timestamp_slot, cache_slot) */
    if (nargs != 10 || !PyType_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "configure() takes 10 arguments");
        return NULL;
    }
    Py_ssize_t sizes[3];
    for (int i = 0; i < 3; i++) {
        sizes[i] = PyLong_AsSsize_t(args[3 + i]);
        if (sizes[i] == -1 && PyErr_Occurred()) {
            return NULL;
        }
    }
    Py_ssize_t offsets[4];
    for (int i = 0; i < 4; i++) {
        offsets[i] = offset(args[6 + i]);
        if (offsets[i] < 0) {
            return NULL;
        }
    }
    Py_XSETREF(quote_type, Py_NewRef(args[0]));
    Py_XSETREF(unset_value, Py_NewRef(args[1]));
    Py_XSETREF(create_decimal, Py_NewRef(args[2]));
    cache_size = sizes[0];
    bid_index = sizes[1];
    ask_index = sizes[2];
    symbol_offset = offsets[0];
    data_offset = offsets[1];
    timestamp_offset = offsets[2];
    cache_offset = offsets[3];
    decimal_type = NULL; /* text until layout(True) */
    Py_RETURN_NONE;
}

/* layout(enabled): build Decimals from the layout (when it was checked) or from text;
   returns whether the layout is in use. */
static PyObject *
layout(PyObject *module, PyObject *arg)
{
    int enabled = PyObject_IsTrue(arg);
    if (enabled < 0) {
        return NULL;
    }
    if (create_decimal == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "configure() first");
        return NULL;
    }
    if (!enabled) {
        decimal_type = NULL;
        Py_RETURN_FALSE;
    }
    return enable_layout();
}

static PyMethodDef methods[] = {
    {"configure", (PyCFunction)(void (*)(void))configure, METH_FASTCALL, NULL},
    {"configure_stream", (PyCFunction)(void (*)(void))configure_stream, METH_FASTCALL, NULL},
    {"method", (PyCFunction)(void (*)(void))method, METH_FASTCALL, NULL},
    {"field_reader", (PyCFunction)(void (*)(void))field_reader, METH_FASTCALL, NULL},
    {"convert", convert, METH_O, NULL},
    {"layout", layout, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_fastquotes", NULL, -1, methods,
};

PyMODINIT_FUNC
PyInit__fastquotes(void)
{
    const char *names[] = {
        "payload", "action", "type", "data", "symbol", "timestamp", "update", "event",
        "quote", "bidPrice", "askPrice", "lines", "_slow", "_bad", "message", "_latest",
        "_subs", "acknowledge", "request_id", "_track", "_hub", "publish_many", "_queue",
        "popleft", "delivered",
    };
    PyObject **slots[] = {
        &s_payload, &s_action, &s_type, &s_data, &s_symbol, &s_timestamp, &s_update, &s_event,
        &s_quote, &s_bid, &s_ask, &s_lines, &s_slow, &s_bad, &s_message, &s_latest,
        &s_subs, &s_acknowledge, &s_request_id, &s_track, &s_hub, &s_publish_many, &s_queue,
        &s_popleft, &s_delivered,
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        *slots[i] = PyUnicode_InternFromString(names[i]);
        if (*slots[i] == NULL) {
            return NULL;
        }
    }
    if (PyType_Ready(&ReadyType) < 0) {
        return NULL;
    }
    return PyModule_Create(&module_def);
}
