package dev.vserve.bench;
