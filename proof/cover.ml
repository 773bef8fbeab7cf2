(* proof/cover.ml - loaded by proof/eva_one.sh after each Eva run (with
   -then -load-script, which needs ocamlfind): for every function defined
   in heartbeat.h, a line "F name called" (1 or 0), and for each statement
   of a called one "S name line column kind reached" (1 or 0), into the
   file $PV_COVER_OUT. proof/cover.py joins the drivers' files. *)
let () = Db.Main.extend (fun () ->
  let out = try Sys.getenv "PV_COVER_OUT" with Not_found -> "/dev/stdout" in
  let oc = open_out out in
  Globals.Functions.iter (fun kf ->
    if Kernel_function.is_definition kf then begin
      let (p, _) = Kernel_function.get_location kf in
      let file = Filepath.Normalized.to_pretty_string p.Filepath.pos_path in
      if Filename.basename file = "heartbeat.h" then begin
        let name = Kernel_function.get_name kf in
        let called = Eva.Results.is_called kf in
        Printf.fprintf oc "F\t%s\t%d\n" name (if called then 1 else 0);
        if called then
          List.iter (fun st ->
            let (a, _) = Cil_datatype.Stmt.loc st in
            let kind = match st.Cil_types.skind with
              | Cil_types.Instr _ -> "i" | Cil_types.Return _ -> "r"
              | Cil_types.Goto _ -> "g" | Cil_types.Break _ -> "b"
              | Cil_types.Continue _ -> "c" | Cil_types.If _ -> "if"
              | Cil_types.Switch _ -> "sw" | Cil_types.Loop _ -> "l"
              | Cil_types.Block _ -> "bl" | _ -> "o" in
            Printf.fprintf oc "S\t%s\t%d\t%d\t%s\t%d\n" name a.Filepath.pos_lnum
              (a.Filepath.pos_cnum - a.Filepath.pos_bol) kind
              (if Eva.Results.is_reachable st then 1 else 0))
            (Kernel_function.get_definition kf).Cil_types.sallstmts
      end
    end);
  close_out oc)
