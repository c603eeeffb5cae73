package io.loomchat.cli.screen;

import java.io.PrintStream;
import java.util.concurrent.locks.ReentrantLock;

/** Lines to a stream, for pipes and scripts: one line per write, whole, in the order shown. */
public final class PlainScreen implements Screen {

    private final PrintStream out;
    private final ReentrantLock lock = new ReentrantLock();

    public PlainScreen(PrintStream out) {
        this.out = out;
    }

    @Override
    public void show(String line) {
        lock.lock();
        try {
            out.print(line + System.lineSeparator());
            out.flush();
        } finally {
            lock.unlock();
        }
    }
}
