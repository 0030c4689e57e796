package org.eigenbasis.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;

/**
 * A sum over partitions whose rounding does not depend on the order in which partitions arrive: the combine of a
 * treeAggregate that is exactly associative and commutative. Each partition's value is a leaf of the canonical
 * binary tree over partition indices; the node (level j, index k) covers partitions [k·2^j, (k+1)·2^j) and its value
 * is always left + right (the lower range first). A node is formed as soon as both its children are present, in
 * whichever aggregate holds them, so the values stay O(log P + stragglers) per aggregate rather than one per
 * partition, and each node's value is a function of its leaves alone. {@link #total} adds the nodes left at the end
 * (the maximal complete aligned ranges of [0, P), a function of P alone) from the lowest range up. Hence the total
 * is the same bits whatever the scheduling, executor count, tree depth or task retries; it changes only with the
 * partitioning itself (other rows in a partition are another rounding). A partition with no rows contributes a
 * null leaf, the exact identity.
 *
 * <p>Mutable: {@link #add} and {@link #merge} update this and return it, as Spark's aggregate combiners may.
 */
final class OrderedSum<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The addition, x + y with x the lower range; serializable so that a method reference ships to executors. */
    interface Plus<T> extends BinaryOperator<T>, Serializable {
    }

    /** One partition's value (null: the partition had no rows). */
    record Leaf<T>(int partition, T value) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private record Node<T>(int level, long index, T value) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final Plus<T> plus;
    private final Map<Long, Node<T>> nodes = new HashMap<>();

    OrderedSum(Plus<T> plus) {
        this.plus = plus;
    }

    OrderedSum<T> add(Leaf<T> leaf) {
        if (leaf.partition() < 0) {
            throw new IllegalArgumentException("partition: " + leaf.partition() + " is outside [0, " + Integer.MAX_VALUE + "]");
        }
        insert(new Node<>(0, leaf.partition(), leaf.value()));
        return this;
    }

    OrderedSum<T> merge(OrderedSum<T> other) {
        if (other != this) {
            for (Node<T> n : new ArrayList<>(other.nodes.values())) {
                insert(n);
            }
        }
        return this;
    }

    private static long key(int level, long index) {
        return ((long) level << 40) | index;
    }

    private void insert(Node<T> node) {
        int level = node.level();
        long index = node.index();
        T value = node.value();
        while (true) {
            if (nodes.containsKey(key(level, index))) {
                throw new IllegalStateException("partition range [" + (index << level) + ", " + ((index + 1) << level)
                        + ") summed twice");
            }
            Node<T> sibling = nodes.remove(key(level, index ^ 1));
            if (sibling == null) {
                nodes.put(key(level, index), new Node<>(level, index, value));
                return;
            }
            value = (index & 1) == 0 ? add(value, sibling.value()) : add(sibling.value(), value);
            index >>= 1;
            level++;
        }
    }

    private T add(T lower, T upper) {
        return lower == null ? upper : upper == null ? lower : plus.apply(lower, upper);
    }

    /**
     * The sum over all {@code partitions} partitions, lowest range first; null when every partition was empty.
     *
     * @throws IllegalStateException unless the leaves are exactly the partitions [0, partitions)
     */
    T total(int partitions) {
        List<Node<T>> left = new ArrayList<>(nodes.values());
        left.sort((x, y) -> Long.compare(x.index() << x.level(), y.index() << y.level()));
        long next = 0;
        T sum = null;
        for (Node<T> n : left) {
            if (n.index() << n.level() != next) {
                throw new IllegalStateException("partition " + next + " is missing from the sum");
            }
            next = (n.index() + 1) << n.level();
            sum = add(sum, n.value());
        }
        if (next != partitions) {
            throw new IllegalStateException("the sum covers partitions [0, " + next + "), expected [0, " + partitions + ")");
        }
        return sum;
    }
}
