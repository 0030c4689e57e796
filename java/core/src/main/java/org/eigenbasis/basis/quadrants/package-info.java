/**
 * API. The four quadrants of "Adam or Gauss–Newton?" (issue 13, point 2; Liu, Bansal, Morwani, Vyas, Alvarez-Melis,
 * Kakade): Adam against Gauss–Newton^-1 and ^-1/2 as diagonal preconditioners in the identity basis and in the
 * curvature eigenbasis, full batch and mini-batch, with gradient descent as the reference and every learning rate
 * tuned on one shared grid. The entry is {@link org.eigenbasis.basis.quadrants.FourQuadrants} with a
 * {@link org.eigenbasis.basis.quadrants.QuadrantsConfig}, returning a
 * {@link org.eigenbasis.basis.quadrants.FourQuadrantsResult} whose {@code a()} to {@code d()} hold each quadrant's
 * tuned runs and headline numbers; {@link org.eigenbasis.basis.quadrants.QuadrantMethod} names the methods compared.
 * Built on {@code org.eigenbasis.basis} and on the test problems and trial order of {@code basis.egop}.
 */
package org.eigenbasis.basis.quadrants;
