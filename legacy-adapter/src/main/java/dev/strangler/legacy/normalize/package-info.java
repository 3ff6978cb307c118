/**
 * Response normalisers: pure functions that rewrite a legacy-shaped JSON answer into the
 * extracted service's shape before the shadow comparator compares the two.
 */
package dev.strangler.legacy.normalize;
