/**
 * Balor's embeddable core. Only the API packages are exported; everything else (loops,
 * sessions, balancers, the supervisor) is internal and may change.
 */
module io.balor.core {
    exports io.balor;
    exports io.balor.config;
    exports io.balor.time;
}
