/** A juv user's application as a named module: juv is the module io.juv on the module path. */
module io.juv.consumer {
    requires io.juv;
}
