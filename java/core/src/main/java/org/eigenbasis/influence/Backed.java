package org.eigenbasis.influence;

/** An operator that carries the backend it was built on, so that scoring runs its products there too. */
interface Backed {
    Products products();
}
