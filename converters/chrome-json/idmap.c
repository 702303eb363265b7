/*
 * Intentionally empty.  The exporter's own id map is gone (it uses
 * tjconv/map.h now); this file remains only because
 * tests/cli/t0310-chrome-json.sh still names it on the command line that
 * builds the chrome-feeder test analyzer.  Delete it together with that
 * argument.
 */
