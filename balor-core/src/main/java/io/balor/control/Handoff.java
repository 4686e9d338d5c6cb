package io.balor.control;

import io.balor.loop.EventLoop;
import io.balor.loop.LoopGroup;
import io.balor.net.Acceptor;

import java.nio.channels.SocketChannel;

/**
 * Hands the sockets one listener accepts to the loops in turn, skipping a loop that has died
 * (a socket in its inbox would wait for ever). Runs on that listener's accept loop only, so its
 * position needs no synchronisation.
 */
final class Handoff implements Acceptor.Dispatcher {

    private final BoundListener owner;
    private final LoopGroup loops;
    private final LoopState[] states;
    private int next;

    Handoff(BoundListener owner, LoopGroup loops, LoopState[] states) {
        this.owner = owner;
        this.loops = loops;
        this.states = states;
    }

    @Override
    public void dispatch(Acceptor acceptor, SocketChannel channel) {
        EventLoop target = loops.get(next);
        next = next + 1 == loops.size() ? 0 : next + 1;
        for (int tries = 1; target.dead() && tries < loops.size(); tries++) {
            target = loops.get(next);
            next = next + 1 == loops.size() ? 0 : next + 1;
        }
        LoopState state = states[target.index()];
        target.execute(() -> state.open(owner, channel));
    }
}
