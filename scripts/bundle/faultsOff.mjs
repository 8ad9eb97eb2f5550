// What src/files/crashPoints.ts is in a production build: no kill points and no faults, whatever the
// environment says (the tests' build keeps them: scripts/bundle/build.mjs).

export function durableStep(_label) {}

export function faultPoint(_point) {}
