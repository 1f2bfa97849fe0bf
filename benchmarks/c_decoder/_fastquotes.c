/*
 * Prototype, benchmark only: what the stream's per-quote decoding costs when it is compiled.
 *
 * decode(parsed, decoder) takes the list orjson parsed from one frame and returns the list
 * Decoder._decode returns: a QuoteUpdate for every well-formed quote update, built here, and
 * decoder._fallback(message) for anything else (the package's own Python code). The bid and
 * ask of each quote built here are converted to Decimal and stored in the model's cache, as
 * the package's batch conversion does, when the fast conversion below is exact; otherwise
 * they stay unset and the first read converts them in Python.
 *
 * route(messages, latest) does the latest-quote cache's part of MarketStream.on_messages for
 * every QuoteUpdate of a batch and returns the other messages, in order, for the Python code.
 * CachedField(index, read) is a read-only descriptor for a lazy model field: the value in the
 * model's cache, or read(model) (the package's property getter) while it is unset.
 * consumer_anext(Consumer, fallback) is a Consumer.__anext__ that hands out a buffered item
 * without a coroutine (an awaitable that is ready at once), and calls fallback(consumer),
 * the package's own __anext__, when nothing is buffered.
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
static PyObject *skip_value;      /* what decoder._fallback returns for a line it drops */
static PyObject *fallback_name;
static Py_ssize_t cache_size, bid_index, ask_index;
static Py_ssize_t symbol_offset, data_offset, timestamp_offset, cache_offset;

static PyObject *s_payload, *s_action, *s_type, *s_data, *s_symbol, *s_timestamp;
static PyObject *s_update, *s_event, *s_quote, *s_bid, *s_ask;

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
        PyObject *value = price(PyFloat_AS_DOUBLE(bid));
        if (value == NULL && PyErr_Occurred()) {
            Py_DECREF(cache);
            return NULL;
        }
        if (value != NULL) {
            Py_SETREF(items[bid_index], value);
        }
        value = price(PyFloat_AS_DOUBLE(ask));
        if (value == NULL && PyErr_Occurred()) {
            Py_DECREF(cache);
            return NULL;
        }
        if (value != NULL) {
            Py_SETREF(items[ask_index], value);
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
    return model;
}

static PyObject *
decode(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyList_CheckExact(args[0])) {
        PyErr_SetString(PyExc_TypeError, "decode(parsed: list, decoder)");
        return NULL;
    }
    if (quote_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "configure() first");
        return NULL;
    }
    PyObject *parsed = args[0];
    PyObject *decoder = args[1];
    Py_ssize_t n = PyList_GET_SIZE(parsed);
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *message = PyList_GET_ITEM(parsed, i);
        PyObject *item = NULL;
        if (PyDict_CheckExact(message)) {
            item = quote(message);
        }
        if (item == NULL) {
            if (PyErr_Occurred()) {
                goto error;
            }
            item = PyObject_CallMethodOneArg(decoder, fallback_name, message);
            if (item == NULL) {
                goto error;
            }
            if (item == skip_value) {
                Py_DECREF(item);
                continue;
            }
        }
        int failed = PyList_Append(out, item);
        Py_DECREF(item);
        if (failed) {
            goto error;
        }
    }
    return out;
error:
    Py_DECREF(out);
    return NULL;
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

static PyObject *
route(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyList_CheckExact(args[0]) || !PyDict_CheckExact(args[1])) {
        PyErr_SetString(PyExc_TypeError, "route(messages: list, latest: dict)");
        return NULL;
    }
    PyObject *messages = args[0];
    PyObject *latest = args[1];
    PyObject *others = PyList_New(0);
    if (others == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(messages); i++) {
        PyObject *message = PyList_GET_ITEM(messages, i);
        if (!Py_IS_TYPE(message, (PyTypeObject *)quote_type)) {
            if (PyList_Append(others, message) < 0) {
                goto error;
            }
            continue;
        }
        PyObject *symbol = *(PyObject **)((char *)message + symbol_offset);
        PyObject *previous = PyDict_GetItemWithError(latest, symbol);
        int stored;
        if (previous == NULL) {
            if (PyErr_Occurred()) {
                goto error;
            }
            stored = PyDict_SetItem(latest, symbol, message);
        }
        else {
            int whole = covers(message, previous);
            if (whole < 0) {
                goto error;
            }
            if (whole) {
                stored = PyDict_SetItem(latest, symbol, message);
            }
            else {
                PyObject *merged = PyObject_CallMethod(previous, "merged", "O", message);
                if (merged == NULL) {
                    goto error;
                }
                stored = PyDict_SetItem(latest, symbol, merged);
                Py_DECREF(merged);
            }
        }
        if (stored < 0) {
            goto error;
        }
    }
    return others;
error:
    Py_DECREF(others);
    return NULL;
}

typedef struct {
    PyObject_HEAD
    Py_ssize_t index;
    PyObject *read;
} CachedField;

static PyObject *
field_get(PyObject *self, PyObject *model, PyObject *type)
{
    if (model == NULL || model == Py_None) {
        return Py_NewRef(self);
    }
    CachedField *field = (CachedField *)self;
    if (Py_IS_TYPE(model, (PyTypeObject *)quote_type)) {
        PyObject *cache = *(PyObject **)((char *)model + cache_offset);
        if (cache != NULL && PyList_CheckExact(cache) && field->index < PyList_GET_SIZE(cache)) {
            PyObject *value = PyList_GET_ITEM(cache, field->index);
            if (value != unset_value) {
                return Py_NewRef(value);
            }
        }
    }
    return PyObject_CallOneArg(field->read, model);
}

static int
field_set(PyObject *self, PyObject *model, PyObject *value)
{
    PyErr_SetString(PyExc_AttributeError, "read-only field");
    return -1;
}

static PyObject *
field_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    Py_ssize_t index;
    PyObject *read;
    if (!PyArg_ParseTuple(args, "nO:CachedField", &index, &read)) {
        return NULL;
    }
    CachedField *field = (CachedField *)type->tp_alloc(type, 0);
    if (field == NULL) {
        return NULL;
    }
    field->index = index;
    field->read = Py_NewRef(read);
    return (PyObject *)field;
}

static void
field_dealloc(PyObject *self)
{
    Py_XDECREF(((CachedField *)self)->read);
    Py_TYPE(self)->tp_free(self);
}

static PyTypeObject CachedFieldType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_fastquotes.CachedField",
    .tp_basicsize = sizeof(CachedField),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = field_new,
    .tp_dealloc = field_dealloc,
    .tp_descr_get = field_get,
    .tp_descr_set = field_set,
};

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

static PyObject *anext_fallback; /* the package's Consumer.__anext__ */
static PyObject *s_queue, *s_popleft, *s_delivered, *one;

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
        return size < 0 ? NULL : PyObject_CallOneArg(anext_fallback, consumer);
    }
    PyObject *item = PyObject_CallMethodNoArgs(queue, s_popleft);
    Py_DECREF(queue);
    if (item == NULL) {
        return NULL;
    }
    PyObject *delivered = PyObject_GetAttr(consumer, s_delivered);
    PyObject *more = delivered == NULL ? NULL : PyNumber_Add(delivered, one);
    Py_XDECREF(delivered);
    if (more == NULL || PyObject_SetAttr(consumer, s_delivered, more) < 0) {
        Py_XDECREF(more);
        Py_DECREF(item);
        return NULL;
    }
    Py_DECREF(more);
    Ready *ready = PyObject_New(Ready, &ReadyType);
    if (ready == NULL) {
        Py_DECREF(item);
        return NULL;
    }
    ready->value = item;
    return (PyObject *)ready;
}

static PyMethodDef anext_def = {"__anext__", anext_impl, METH_NOARGS, NULL};

/* consumer_anext(Consumer, fallback): the method descriptor to set as Consumer.__anext__. */
static PyObject *
consumer_anext(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyType_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "consumer_anext(Consumer, fallback)");
        return NULL;
    }
    Py_XSETREF(anext_fallback, Py_NewRef(args[1]));
    return PyDescr_NewMethod((PyTypeObject *)args[0], &anext_def);
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
    /* configure(QuoteUpdate, unset, create_decimal, skip, cache_size, bid_index, ask_index,
                 symbol_slot, data_slot, timestamp_slot, cache_slot) */
    if (nargs != 11 || !PyType_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "configure() takes 11 arguments");
        return NULL;
    }
    Py_ssize_t sizes[3];
    for (int i = 0; i < 3; i++) {
        sizes[i] = PyLong_AsSsize_t(args[4 + i]);
        if (sizes[i] == -1 && PyErr_Occurred()) {
            return NULL;
        }
    }
    Py_ssize_t offsets[4];
    for (int i = 0; i < 4; i++) {
        offsets[i] = offset(args[7 + i]);
        if (offsets[i] < 0) {
            return NULL;
        }
    }
    Py_XSETREF(quote_type, Py_NewRef(args[0]));
    Py_XSETREF(unset_value, Py_NewRef(args[1]));
    Py_XSETREF(create_decimal, Py_NewRef(args[2]));
    Py_XSETREF(skip_value, Py_NewRef(args[3]));
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
    {"decode", (PyCFunction)(void (*)(void))decode, METH_FASTCALL, NULL},
    {"route", (PyCFunction)(void (*)(void))route, METH_FASTCALL, NULL},
    {"convert", convert, METH_O, NULL},
    {"layout", layout, METH_O, NULL},
    {"consumer_anext", (PyCFunction)(void (*)(void))consumer_anext, METH_FASTCALL, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_fastquotes", NULL, -1, methods,
};

PyMODINIT_FUNC
PyInit__fastquotes(void)
{
    const char *names[] = {"payload", "action", "type",      "data",     "symbol",
                           "timestamp", "update", "event",   "quote",    "bidPrice",
                           "askPrice", "_fallback", "_queue", "popleft", "delivered"};
    PyObject **slots[] = {&s_payload,  &s_action, &s_type,        &s_data,   &s_symbol,
                          &s_timestamp, &s_update, &s_event,       &s_quote,  &s_bid,
                          &s_ask,       &fallback_name, &s_queue, &s_popleft, &s_delivered};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        *slots[i] = PyUnicode_InternFromString(names[i]);
        if (*slots[i] == NULL) {
            return NULL;
        }
    }
    one = PyLong_FromLong(1);
    if (one == NULL || PyType_Ready(&CachedFieldType) < 0 || PyType_Ready(&ReadyType) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL) {
        return NULL;
    }
    if (PyModule_AddObjectRef(module, "CachedField", (PyObject *)&CachedFieldType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
