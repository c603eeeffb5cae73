/**
 * Where the client's lines are shown: plain lines to a stream for pipes and scripts, or an interactive
 * terminal (JLine) that prints above the line being typed, colors nicks and completes commands and nicks.
 */
package io.loomchat.cli.screen;
