package io.balor.limit;

import io.balor.config.RateLimitConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aFullBucketGivesItsBurstThenOneTokenPerInterval() {
        TokenBucket bucket = new TokenBucket(RateLimitConfig.of(4, 3), 0);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, bucket.tryTake(0, 0));
        }
        assertEquals(SECOND / 4, bucket.tryTake(0, 0), "the next token is a quarter second away");
        assertEquals(SECOND / 8, bucket.tryTake(SECOND / 8, 0));
        assertEquals(0, bucket.tryTake(SECOND / 4, 0));
        assertEquals(SECOND / 4, bucket.tryTake(SECOND / 4, 0));
        // Over a long quiet time the bucket fills up to its burst, not beyond.
        int taken = 0;
        while (bucket.tryTake(100 * SECOND, 0) == 0) {
            taken++;
        }
        assertEquals(3, taken);
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUp() {
        assertEquals(1, TokenBucket.retryAfterSeconds(1));
        assertEquals(1, TokenBucket.retryAfterSeconds(SECOND));
        assertEquals(2, TokenBucket.retryAfterSeconds(SECOND + 1));
        assertEquals(10, TokenBucket.retryAfterSeconds(10 * SECOND));
    }

    @Test
    void threadsTakingAtOnceNeverGetMoreThanTheBurst() throws Exception {
        for (int round = 0; round < 20; round++) {
            TokenBucket bucket = new TokenBucket(RateLimitConfig.of(1, 100), 0);
            AtomicInteger granted = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < 1000; i++) {
                        if (bucket.tryTake(0, 0) == 0) {
                            granted.incrementAndGet();
                        }
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertEquals(100, granted.get());
        }
    }

    @Test
    void perClientSlotsAreIndependent() {
        TokenBucket bucket = new TokenBucket(RateLimitConfig.of(1, 1).perClientIp(), 0);
        int clients = 0;
        for (int client = 0; client < 64; client++) {
            if (bucket.tryTake(0, 0x7f000000 + client) == 0) {
                clients++;
            }
        }
        assertEquals(64, clients, "64 neighbouring IPv4 addresses land in 64 different slots");
        assertEquals(SECOND, bucket.tryTake(0, 0x7f000000), "each slot spent its one token");
    }
}
